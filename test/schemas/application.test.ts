import { describe, expect, it } from 'vitest';
import { issuesToDetails } from '../../functions/core/decisions.ts';
import { applicationSchema, supplementSchema, withdrawSchema } from '../../schemas/application.ts';

// Valid GB 11643 IDs, check digits worked out by hand (see resident-id.test.ts).
const HEAD_ID = '611002198001010010';
const SPOUSE_ID = '11010519491231002X';
const CHILD_ID = '440524201001010018'; // Σ = 147, 147 mod 11 = 4 → '8'

/** A complete, valid `POST /api/cases` body; each test breaks one thing in a fresh copy. */
function validBody() {
  return {
    procedure: 'identification',
    household: {
      head: { name: '张建国', idNumber: HEAD_ID, phone: '13800138000' },
      members: [
        {
          name: '李秀兰',
          idNumber: SPOUSE_ID,
          relation: '配偶',
          health: '慢性病',
          disability: '',
          schooling: '小学',
          ableToWork: false,
        },
        { name: '张小明', idNumber: CHILD_ID, relation: '子女', schooling: '初中在读', ableToWork: false },
      ],
      villageCode: '611002100201',
      address: '某某村三组 12 号',
      annualNetIncomePerCapita: 6200,
      category: 'edge_easily_poor',
      riskTypes: ['illness', 'education'],
      narrative: '户主妻子患慢性病，医疗支出大；子女上学。',
      source: 'self_declared',
    },
  };
}
type Body = ReturnType<typeof validBody>;

/** The head as a member (relation `self`), with their own health and ability to work. */
const selfMember = (b: Body) => ({
  name: b.household.head.name,
  idNumber: b.household.head.idNumber,
  relation: 'self',
  health: '健康',
  disability: '',
  schooling: '初中',
  ableToWork: true,
});

/** The contract's `details` for a body, as the API would report them. */
function detailsOf(body: unknown) {
  const result = applicationSchema.safeParse(body);
  expect(result.success).toBe(false);
  return issuesToDetails(result.error!.issues).map(({ path, rule }) => ({ path, rule }));
}

describe('applicationSchema', () => {
  it('accepts a complete body and fills member defaults', () => {
    const result = applicationSchema.safeParse(validBody());
    expect(result.success).toBe(true);
    const child = result.data!.household.members[1]!;
    expect(child.health).toBe('');
    expect(child.disability).toBe('');
  });

  it('accepts the head among the members, as the 户口簿 lists it (relation `self`, same ID and name)', () => {
    const body = validBody();
    body.household.members.unshift(selfMember(body));

    const result = applicationSchema.safeParse(body);

    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect(result.data!.household.members.map((m) => m.relation)).toEqual(['self', '配偶', '子女']);
  });

  it('accepts a household without members (a single-person household)', () => {
    const body: Partial<Body['household']> = validBody().household;
    delete body.members;
    const result = applicationSchema.parse({ procedure: 'identification', household: body });
    expect(result.household.members).toEqual([]);
  });

  it('trims text fields', () => {
    const body = validBody();
    body.household.head.name = '  张建国 ';
    expect(applicationSchema.parse(body).household.head.name).toBe('张建国');
  });

  it('accepts every category, risk type and source of the contract', () => {
    for (const category of ['unstable_out_of_poverty', 'edge_easily_poor', 'sudden_severe_hardship']) {
      for (const source of ['self_declared', 'cadre_screening', 'department_alert']) {
        const body = validBody();
        Object.assign(body.household, { category, source });
        body.household.riskTypes = [
          'illness',
          'disability',
          'education',
          'disaster',
          'accident',
          'unstable_employment',
          'industry_failure',
          'other',
        ];
        expect(applicationSchema.safeParse(body).success).toBe(true);
      }
    }
  });

  it('accepts a landline phone', () => {
    const body = validBody();
    body.household.head.phone = '0912-3456789';
    expect(applicationSchema.safeParse(body).success).toBe(true);
  });

  const cases: [string, (b: Body) => void, { path: string; rule: string }][] = [
    [
      'unknown procedure',
      (b) => Object.assign(b, { procedure: 'exit' }),
      { path: 'procedure', rule: 'invalid_value' },
    ],
    [
      'unknown category',
      (b) => Object.assign(b.household, { category: 'rich' }),
      { path: 'household.category', rule: 'invalid_value' },
    ],
    [
      'unknown risk type',
      (b) => Object.assign(b.household, { riskTypes: ['illness', 'flood'] }),
      { path: 'household.riskTypes[1]', rule: 'invalid_value' },
    ],
    [
      'unknown source',
      (b) => Object.assign(b.household, { source: 'rumour' }),
      { path: 'household.source', rule: 'invalid_value' },
    ],
    [
      'head ID with a wrong check digit',
      (b) => Object.assign(b.household.head, { idNumber: '611002198001010011' }),
      { path: 'household.head.idNumber', rule: 'resident_id_check_digit' },
    ],
    [
      'member ID with an impossible birth date',
      (b) => Object.assign(b.household.members[1]!, { idNumber: '440524201002300012' }),
      { path: 'household.members[1].idNumber', rule: 'resident_id_birth_date' },
    ],
    [
      'member ID in the old 15-digit format',
      (b) => Object.assign(b.household.members[0]!, { idNumber: '110105491231002' }),
      { path: 'household.members[0].idNumber', rule: 'resident_id_format' },
    ],
    [
      '11-digit village code',
      (b) => Object.assign(b.household, { villageCode: '61100210020' }),
      { path: 'household.villageCode', rule: 'village_code' },
    ],
    [
      'township code as village code',
      (b) => Object.assign(b.household, { villageCode: '611002100' }),
      { path: 'household.villageCode', rule: 'village_code' },
    ],
    [
      'empty riskTypes',
      (b) => Object.assign(b.household, { riskTypes: [] }),
      { path: 'household.riskTypes', rule: 'min_items' },
    ],
    [
      'repeated risk type',
      (b) => Object.assign(b.household, { riskTypes: ['illness', 'illness'] }),
      { path: 'household.riskTypes', rule: 'unique_items' },
    ],
    [
      'member with the head’s ID',
      (b) => Object.assign(b.household.members[0]!, { idNumber: HEAD_ID }),
      { path: 'household.members[0].idNumber', rule: 'unique_id_number' },
    ],
    [
      'two members with the same ID',
      (b) => Object.assign(b.household.members[1]!, { idNumber: SPOUSE_ID }),
      { path: 'household.members[1].idNumber', rule: 'unique_id_number' },
    ],
    [
      'a `self` member whose name is not the head’s',
      (b) => b.household.members.unshift({ ...selfMember(b), name: '张建民' }),
      { path: 'household.members[0].name', rule: 'self_is_head' },
    ],
    [
      'a `self` member whose ID is not the head’s',
      (b) => b.household.members.unshift({ ...selfMember(b), idNumber: CHILD_ID }),
      { path: 'household.members[0].idNumber', rule: 'self_is_head' },
    ],
    [
      'the head listed twice as `self`',
      (b) => b.household.members.push(selfMember(b), selfMember(b)),
      { path: 'household.members[3].idNumber', rule: 'unique_id_number' },
    ],
    [
      'extra key at the top',
      (b) => Object.assign(b, { priority: 'high' }),
      { path: 'priority', rule: 'unknown_field' },
    ],
    [
      'extra key in household',
      (b) => Object.assign(b.household, { bankAccount: '6222' }),
      { path: 'household.bankAccount', rule: 'unknown_field' },
    ],
    [
      'extra key in head',
      (b) => Object.assign(b.household.head, { age: 46 }),
      { path: 'household.head.age', rule: 'unknown_field' },
    ],
    [
      'extra key in a member',
      (b) => Object.assign(b.household.members[1]!, { income: 0 }),
      { path: 'household.members[1].income', rule: 'unknown_field' },
    ],
    [
      'bad phone',
      (b) => Object.assign(b.household.head, { phone: '12345' }),
      { path: 'household.head.phone', rule: 'phone' },
    ],
    [
      'negative income',
      (b) => Object.assign(b.household, { annualNetIncomePerCapita: -1 }),
      { path: 'household.annualNetIncomePerCapita', rule: 'too_small' },
    ],
    [
      'income as a string',
      (b) => Object.assign(b.household, { annualNetIncomePerCapita: '6200' }),
      { path: 'household.annualNetIncomePerCapita', rule: 'invalid_type' },
    ],
    [
      'blank head name',
      (b) => Object.assign(b.household.head, { name: '   ' }),
      { path: 'household.head.name', rule: 'too_small' },
    ],
    [
      'missing narrative',
      (b) => Object.assign(b.household, { narrative: undefined }),
      { path: 'household.narrative', rule: 'invalid_type' },
    ],
    [
      'member without ableToWork',
      (b) => Object.assign(b.household.members[0]!, { ableToWork: undefined }),
      { path: 'household.members[0].ableToWork', rule: 'invalid_type' },
    ],
    [
      'more than 30 members',
      (b) =>
        Object.assign(b.household, {
          members: Array.from({ length: 31 }, () => ({ ...b.household.members[0]! })),
        }),
      { path: 'household.members', rule: 'too_big' },
    ],
  ];

  it.each(cases)('names the field and rule for %s', (_label, breakIt, expected) => {
    // Arrange
    const body = validBody();
    breakIt(body);
    // Act
    const details = detailsOf(body);
    // Assert
    expect(details).toContainEqual(expected);
  });

  it('names every bad field when several fields are bad at once', () => {
    const body = validBody();
    body.household.villageCode = '61100210020';
    body.household.head.idNumber = '611002198001010011';
    Object.assign(body.household, { category: 'rich' });
    expect(detailsOf(body)).toEqual(
      expect.arrayContaining([
        { path: 'household.villageCode', rule: 'village_code' },
        { path: 'household.head.idNumber', rule: 'resident_id_check_digit' },
        { path: 'household.category', rule: 'invalid_value' },
      ]),
    );
  });
});

describe('supplementSchema', () => {
  it('accepts a note alone or with corrected household fields', () => {
    expect(supplementSchema.safeParse({ note: '补充了医疗费用票据' }).success).toBe(true);
    expect(
      supplementSchema.safeParse({ note: '收入更正', household: { annualNetIncomePerCapita: 5100 } }).success,
    ).toBe(true);
  });

  it('does not let a supplement move the case to another village', () => {
    const result = supplementSchema.safeParse({ note: 'x', household: { villageCode: '611002101202' } });
    expect(result.success).toBe(false);
    expect(issuesToDetails(result.error!.issues)[0]).toMatchObject({
      path: 'household.villageCode',
      rule: 'unknown_field',
    });
  });

  it('rejects a blank note and an emptied risk type list', () => {
    const result = supplementSchema.safeParse({ note: ' ', household: { riskTypes: [] } });
    expect(issuesToDetails(result.error!.issues).map((d) => d.path)).toEqual(['note', 'household.riskTypes']);
  });
});

describe('withdrawSchema', () => {
  it('needs a non-blank reason and nothing else', () => {
    expect(withdrawSchema.safeParse({ reason: '已外出务工，收入稳定' }).success).toBe(true);
    expect(withdrawSchema.safeParse({ reason: '  ' }).success).toBe(false);
    expect(withdrawSchema.safeParse({}).success).toBe(false);
    expect(withdrawSchema.safeParse({ reason: 'x', by: 'me' }).success).toBe(false);
  });
});
