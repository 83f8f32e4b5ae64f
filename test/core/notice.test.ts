import { describe, expect, it } from 'vitest';
import {
  type NoticePassage,
  noticeContent,
  noticePassage,
  renderNotice,
} from '../../functions/core/notice.ts';
import type { Household } from '../../schemas/application.ts';
import type { AuditRecord } from '../../schemas/records.ts';
import { residentId } from '../support/fixtures.ts';

/** A household carrying every kind of data a notice must never show. */
const sensitive: Household = {
  head: { name: '王<b>大</b>山', idNumber: residentId(7, '19700315'), phone: '13912345678' },
  members: [
    {
      name: '王小花',
      idNumber: residentId(8, '20100601'),
      relation: '女儿',
      health: '先天性心脏病',
      disability: '肢体二级残疾',
      schooling: '县第二小学四年级',
      ableToWork: false,
    },
  ],
  villageCode: '611002100201',
  address: '示范村三组 17 号',
  annualNetIncomePerCapita: 3412.5,
  category: 'sudden_severe_hardship',
  riskTypes: ['illness', 'disability', 'accident'],
  narrative: '银行账号 6222021234567890123，户主尿毒症透析，电话 0917-3456789。',
  source: 'cadre_screening',
};
/** The standard order, the township confirming two of the three declared risk types. */
const passage: NoticePassage = {
  stages: ['village_review', 'township_verification', 'county_approval'],
  confirmedRiskTypes: ['illness', 'accident'],
};
const period = { startsAt: '2026-11-10T09:00:00.000+08:00', endsAt: '2026-11-15T09:00:00.000+08:00' };
const ident = { procedure: 'identification', villageCode: sensitive.villageCode } as const;

describe('publicity notice', () => {
  it('shows village, head name, category, risk types in Chinese and the period in local time', () => {
    const html = renderNotice(noticeContent(ident, sensitive, passage, period));

    expect(html).toContain('611002100201');
    expect(html).toContain('王&lt;b&gt;大&lt;/b&gt;山');
    expect(html).toContain('突发严重困难户');
    expect(html).toContain('经干部排查、村级民主评议、乡镇入户核实、县级审定，拟将');
    // the risk types the township confirmed, not the three declared
    expect(html).toContain('<th>主要风险类型（乡镇核实）</th>');
    expect(html).toContain('<td>因病、因意外事故</td>');
    expect(html).toContain('2026年11月10日 09:00 至 2026年11月15日 09:00');
    expect(html).toContain('异议');
  });

  it('never contains an ID number, phone, bank account, income, address or health and disability details', () => {
    const html = renderNotice(noticeContent(ident, sensitive, passage, period));

    const forbidden = [
      sensitive.head.idNumber,
      sensitive.head.idNumber.slice(0, 6) + sensitive.head.idNumber.slice(-4),
      sensitive.members[0]!.idNumber,
      '13912345678',
      '0917-3456789',
      '6222021234567890123',
      '先天性心脏病',
      '肢体二级残疾',
      '尿毒症',
      '小学',
      '王小花',
      '三组 17 号',
      '3412',
    ];
    for (const text of forbidden) expect(html, text).not.toContain(text);
    // the village code is the only long number: no phone (11 digits) or ID (18) in any form
    expect(html.replaceAll(sensitive.villageCode, '')).not.toMatch(/\d{7,}/);
  });

  it('masks an ID or phone number typed into the head’s name, as every output does (core/masking)', () => {
    const head = { ...sensitive.head, name: `王大山${sensitive.head.idNumber} +86 139 1234 5678` };

    const html = renderNotice(noticeContent(ident, { ...sensitive, head }, passage, period));

    expect(html).not.toContain(sensitive.head.idNumber);
    expect(html).toContain(
      `王大山${sensitive.head.idNumber.slice(0, 6)}********${sensitive.head.idNumber.slice(-4)}`,
    );
    expect(html.replace(/\D/g, '')).not.toContain('13912345678');
  });
});

/** A trail record as the store returns it, only the fields the passage reads mattering. */
const record = (seq: number, r: Partial<AuditRecord>): AuditRecord =>
  ({
    seq,
    at: '2026-11-02T09:00:00.000+08:00',
    actor: { sub: 's', name: 'n', role: 'village_reviewer' },
    ...r,
  }) as AuditRecord;
const approved = (seq: number, stage: string, details?: unknown) =>
  record(seq, {
    action: 'decided',
    stage,
    decision: 'approve',
    data: details ? { details } : {},
  } as Partial<AuditRecord>);

describe('the notice of a risk-elimination proposal (风险消除)', () => {
  it('names the procedure, comes from the village, and shows no ID, phone, income or health detail', () => {
    const proposal = { procedure: 'risk_elimination', villageCode: sensitive.villageCode } as const;

    const html = renderNotice(
      noticeContent(
        proposal,
        sensitive,
        { stages: ['village_review', 'township_verification', 'county_approval'] },
        period,
      ),
    );

    expect(html).toContain('<h1>防止返贫监测对象风险消除公示</h1>');
    expect(html).toContain(
      '经村级提出风险消除申请、村级民主评议、乡镇入户核实、县级审定，以下监测对象风险已稳定消除',
    );
    expect(html).not.toContain('识别纳入');
    expect(html).not.toContain('干部排查');
    for (const secret of [
      '61010219',
      '13800138000',
      '3412.5',
      '先天性心脏病',
      '尿毒症',
      '6222021234567890123',
    ]) {
      expect(html).not.toContain(secret);
    }
  });
});

describe('what the notice says the case passed', () => {
  it('names only the stages passed before publicity, in the county’s order: publicity right after the village', () => {
    const trail = [
      record(1, { action: 'filed' }),
      approved(2, 'village_review'),
      record(3, { action: 'publicity_started', data: { endsAt: period.endsAt } }),
    ];

    const p = noticePassage(trail);
    const html = renderNotice(noticeContent(ident, { ...sensitive, source: 'self_declared' }, p, period));

    expect(p).toEqual({ stages: ['village_review'] });
    expect(html).toContain('经农户申请、村级民主评议，拟将');
    expect(html).not.toContain('乡镇入户核实');
    expect(html).not.toContain('县级审定');
    // no home visit yet: the declared types, named as declared
    expect(html).toContain('<th>申报风险类型</th>');
    expect(html).toContain('<td>因病、因残、因意外事故</td>');
  });

  it('counts a stage passed again after a send-back once, and takes the confirmation of the latest visit', () => {
    const trail = [
      approved(1, 'village_review'),
      approved(2, 'township_verification', { confirmedRiskTypes: ['illness'] }),
      record(3, {
        action: 'decided',
        stage: 'county_approval',
        decision: 'send_back',
      } as Partial<AuditRecord>),
      approved(4, 'township_verification', { confirmedRiskTypes: ['disability', 'illness'] }),
      approved(5, 'county_approval'),
      record(6, { action: 'publicity_started' }),
      // after this publicity: not part of it
      approved(7, 'township_verification', { confirmedRiskTypes: ['other'] }),
    ];

    expect(noticePassage(trail)).toEqual({
      stages: ['village_review', 'township_verification', 'county_approval'],
      confirmedRiskTypes: ['disability', 'illness'],
    });
  });

  it('reads the latest publicity: an objection’s re-verification before the second one confirms anew', () => {
    const trail = [
      approved(1, 'village_review'),
      approved(2, 'township_verification', { confirmedRiskTypes: ['illness'] }),
      approved(3, 'county_approval'),
      record(4, { action: 'publicity_started' }),
      approved(5, 'township_verification', { confirmedRiskTypes: ['accident'] }),
      approved(6, 'county_approval'),
      record(7, { action: 'publicity_started' }),
    ];

    expect(noticePassage(trail).confirmedRiskTypes).toEqual(['accident']);
  });
});
