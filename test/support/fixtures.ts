import type { Household } from '../../schemas/application.ts';
import { checkDigit } from '../../schemas/resident-id.ts';

/** A valid resident ID number: region 611002, a birth date, a sequence `seq`, its GB 11643 check digit. */
export function residentId(seq: number, birth = '19800101'): string {
  const first17 = `611002${birth}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}

/** A valid household of demo village 611002100201 whose ID numbers are unique for each `n`. */
export function validHousehold(n: number, villageCode = '611002100201'): Household {
  const year = 1950 + (Math.floor(n / 1000) % 60);
  return {
    head: { name: '张三', idNumber: residentId(n, `${year}0101`), phone: '13800138000' },
    members: [
      {
        name: '李四',
        idNumber: residentId(n, `${year}0202`),
        relation: '配偶',
        health: '慢性病',
        disability: '',
        schooling: '',
        ableToWork: true,
      },
    ],
    villageCode,
    address: '示范村一组 8 号',
    annualNetIncomePerCapita: 5200,
    category: 'edge_easily_poor',
    riskTypes: ['illness'],
    narrative: '家庭主要劳动力患病，医疗支出大。',
    source: 'self_declared',
  };
}
