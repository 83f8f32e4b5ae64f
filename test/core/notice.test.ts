import { describe, expect, it } from 'vitest';
import { noticeContent, renderNotice } from '../../functions/core/notice.ts';
import type { Household } from '../../schemas/application.ts';
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
const period = { startsAt: '2026-11-10T09:00:00.000+08:00', endsAt: '2026-11-15T09:00:00.000+08:00' };

describe('publicity notice', () => {
  it('shows village, head name, category, risk types in Chinese and the period in local time', () => {
    const html = renderNotice(noticeContent(sensitive.villageCode, sensitive, period));

    expect(html).toContain('611002100201');
    expect(html).toContain('王&lt;b&gt;大&lt;/b&gt;山');
    expect(html).toContain('突发严重困难户');
    expect(html).toContain('因病、因残、因意外事故');
    expect(html).toContain('2026年11月10日 09:00 至 2026年11月15日 09:00');
    expect(html).toContain('异议');
  });

  it('never contains an ID number, phone, bank account, income, address or health and disability details', () => {
    const html = renderNotice(noticeContent(sensitive.villageCode, sensitive, period));

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

    const html = renderNotice(noticeContent(sensitive.villageCode, { ...sensitive, head }, period));

    expect(html).not.toContain(sensitive.head.idNumber);
    expect(html).toContain(
      `王大山${sensitive.head.idNumber.slice(0, 6)}********${sensitive.head.idNumber.slice(-4)}`,
    );
    expect(html.replace(/\D/g, '')).not.toContain('13912345678');
  });
});
