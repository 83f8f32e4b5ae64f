import type { Household } from '../../schemas/application.ts';
import type { Procedure, RiskType, Source } from '../../schemas/domain.ts';
import type { AuditRecord } from '../../schemas/records.ts';
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

/** How the case came to be (the notice's preamble names it). */
export const SOURCE_LABELS: Readonly<Record<Source, string>> = {
  self_declared: '农户申请',
  cadre_screening: '干部排查',
  department_alert: '部门预警',
};

/** The stages a notice may say the case passed, as its preamble names them. */
const PASSED_STAGE_LABELS = {
  village_review: '村级民主评议',
  township_verification: '乡镇入户核实',
  county_approval: '县级审定',
} as const;
type PassedStage = keyof typeof PASSED_STAGE_LABELS;

/** What the case really went through before this publicity, read from its trail. */
export interface NoticePassage {
  /** stages approved before the publicity began, in the order the case passed them (its county's order) */
  stages: PassedStage[];
  /** the risk types the township confirmed at its home visit; absent when publicity came before it */
  confirmedRiskTypes?: RiskType[];
}

/**
 * The passage of a case up to its latest publicity: each stage approved before the last `publicity_started`
 * record, once, in the order first passed (a stage passed again after a send-back keeps its place), and the risk
 * types of the township's last approval before it (an objection's re-verification confirms them anew).
 */
export function noticePassage(trail: readonly AuditRecord[]): NoticePassage {
  const started = trail.findLastIndex((r) => r.action === 'publicity_started');
  const before = started < 0 ? trail : trail.slice(0, started);
  const approvals = before.filter(
    (r) =>
      r.action === 'decided' &&
      r.decision === 'approve' &&
      r.stage !== undefined &&
      r.stage in PASSED_STAGE_LABELS,
  );
  const stages = [...new Set(approvals.map((r) => r.stage as PassedStage))];
  const verified = approvals.findLast((r) => r.stage === 'township_verification');
  const confirmed = (verified?.data?.details as { confirmedRiskTypes?: RiskType[] } | undefined)
    ?.confirmedRiskTypes;
  return { stages, ...(confirmed?.length ? { confirmedRiskTypes: confirmed } : {}) };
}

/** What a notice of each procedure is called and proposes (识别纳入 · 风险消除). */
const NOTICE_WORDING: Readonly<
  Record<Procedure, { title: string; proposes: string; riskTypes: [confirmed: string, declared: string] }>
> = {
  identification: {
    title: '防止返贫监测对象识别纳入公示',
    proposes: '拟将以下农户纳入防止返贫监测对象',
    riskTypes: ['主要风险类型（乡镇核实）', '申报风险类型'],
  },
  risk_elimination: {
    title: '防止返贫监测对象风险消除公示',
    proposes: '以下监测对象风险已稳定消除，拟标注为风险消除',
    riskTypes: ['原主要风险类型', '原主要风险类型'],
  },
};

/** How a proposal came, the first step its notice names. */
const PROPOSAL_ORIGIN = '村级提出风险消除申请';

/** What a publicity notice may show. Built field by field, so nothing else of the household can slip in. */
export interface NoticeContent {
  procedure: Procedure;
  villageCode: string;
  headName: string;
  category: string;
  /** the preamble's steps: how the case came, then each stage passed */
  steps: string[];
  /** the township's confirmed risk types, or (publicity before the home visit) those declared, named as such */
  riskTypes: { confirmed: boolean; labels: string[] };
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
  c: { procedure: Procedure; villageCode: string },
  household: Pick<Household, 'head' | 'category' | 'riskTypes' | 'source'>,
  passage: NoticePassage,
  period: { startsAt: string; endsAt: string },
): NoticeContent {
  const confirmed = passage.confirmedRiskTypes;
  // a proposal comes from the village or the household itself, whatever brought the household in
  const origin = c.procedure === 'risk_elimination' ? PROPOSAL_ORIGIN : SOURCE_LABELS[household.source];
  return {
    procedure: c.procedure,
    villageCode: c.villageCode,
    // a name is free text too: whatever number was typed into it is masked like everywhere else
    headName: maskPersonalData(household.head.name),
    category: CATEGORY_LABELS[household.category],
    steps: [origin, ...passage.stages.map((s) => PASSED_STAGE_LABELS[s])],
    riskTypes: {
      confirmed: confirmed !== undefined,
      labels: (confirmed ?? household.riskTypes).map((r) => RISK_TYPE_LABELS[r]),
    },
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
  const w = NOTICE_WORDING[n.procedure];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${w.title}</title>
</head>
<body>
<h1>${w.title}</h1>
<p>根据防止返贫动态监测和帮扶工作有关规定，经${n.steps.map(e).join('、')}，${w.proposes}，现予以公示。</p>
<table>
<thead><tr><th>村（区划代码）</th><th>户主姓名</th><th>监测类型</th><th>${w.riskTypes[n.riskTypes.confirmed ? 0 : 1]}</th></tr></thead>
<tbody><tr><td>${e(n.villageCode)}</td><td>${e(n.headName)}</td><td>${e(n.category)}</td><td>${n.riskTypes.labels.map(e).join('、')}</td></tr></tbody>
</table>
<p>公示期：${e(start)} 至 ${e(end)}（北京时间）。</p>
<p>公示期内，如对公示对象有异议，可以书面或口头方式向村民委员会或乡镇人民政府（乡村振兴工作机构）实名反映，并说明具体事实和理由。受理单位将依规核实处理，并对反映人信息予以保密。</p>
</body>
</html>
`;
}
