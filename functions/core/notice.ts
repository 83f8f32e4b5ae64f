import type { Household } from '../../schemas/application.ts';
import type { RiskType } from '../../schemas/domain.ts';
import { maskPersonalData } from './masking.ts';
import { CST_OFFSET_MS, parseIso } from './time.ts';

/** Monitoring categories as the notice names them (docs/domain.md §4). */
export const CATEGORY_LABELS: Readonly<Record<Household['category'], string>> = {
  unstable_out_of_poverty: '脱贫不稳定户',
  edge_easily_poor: '边缘易致贫户',
  sudden_severe_hardship: '突发严重困难户',
};

export const RISK_TYPE_LABELS: Readonly<Record<RiskType, string>> = {
  illness: '因病',
  disability: '因残',
  education: '因学',
  disaster: '因灾',
  accident: '因意外事故',
  unstable_employment: '因务工就业不稳',
  industry_failure: '因产业项目失败',
  other: '其他',
};

/** What a publicity notice may show. Built field by field, so nothing else of the household can slip in. */
export interface NoticeContent {
  villageCode: string;
  headName: string;
  category: string;
  riskTypes: string[];
  startsAt: string;
  endsAt: string;
}

/**
 * Picks the publishable fields of a case: the village, the head's name, category and risk types. ID numbers,
 * phones, members (health, disability, schooling), income, address and the narrative are deliberately left out
 * (docs/domain.md §8: the posted notice never shows ID numbers, phone numbers, bank accounts or health
 * details).
 */
export function noticeContent(
  villageCode: string,
  household: Pick<Household, 'head' | 'category' | 'riskTypes'>,
  period: { startsAt: string; endsAt: string },
): NoticeContent {
  return {
    villageCode,
    // a name is free text too: whatever number was typed into it is masked like everywhere else
    headName: maskPersonalData(household.head.name),
    category: CATEGORY_LABELS[household.category],
    riskTypes: household.riskTypes.map((r) => RISK_TYPE_LABELS[r]),
    startsAt: period.startsAt,
    endsAt: period.endsAt,
  };
}

/** An instant as local (China Standard Time) date and minute: 2026年11月10日 09:00. */
export function localDateTime(iso: string): string {
  const d = new Date(parseIso(iso) + CST_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Text safe inside HTML element content and quoted attributes. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The publicity notice (公示) as a self-contained HTML page, in Chinese. */
export function renderNotice(n: NoticeContent): string {
  const e = escapeHtml;
  const start = localDateTime(n.startsAt);
  const end = localDateTime(n.endsAt);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>防止返贫监测对象识别纳入公示</title>
</head>
<body>
<h1>防止返贫监测对象识别纳入公示</h1>
<p>根据防止返贫动态监测和帮扶工作有关规定，经农户申请（或干部排查、部门预警）、村级民主评议、乡镇入户核实和县级审定，拟将以下农户纳入防止返贫监测对象，现予以公示。</p>
<table>
<thead><tr><th>村（区划代码）</th><th>户主姓名</th><th>监测类型</th><th>主要风险类型</th></tr></thead>
<tbody><tr><td>${e(n.villageCode)}</td><td>${e(n.headName)}</td><td>${e(n.category)}</td><td>${n.riskTypes.map(e).join('、')}</td></tr></tbody>
</table>
<p>公示期：${e(start)} 至 ${e(end)}（北京时间）。</p>
<p>公示期内，如对公示对象有异议，可以书面或口头方式向村民委员会或乡镇人民政府（乡村振兴工作机构）实名反映，并说明具体事实和理由。受理单位将依规核实处理，并对反映人信息予以保密。</p>
</body>
</html>
`;
}
