import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import type { Household, Member } from '../../schemas/application.ts';
import { waitForQuiet } from '../drill/invariants.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import {
  caseOf,
  decide,
  file,
  openTask,
  returnForSupplement,
  statusReached,
  supplement,
  withdraw,
} from '../support/scenario.ts';

/** A simulated day in 0.86 s: the 15-day supplement limit runs out in about 13 s. */
const TIME_SCALE = 100_000;

let rt: Runtime;
let u: Record<'applicant' | 'village' | 'village2', ApiClient>;
let seq = 700;
const household = (villageCode?: string) => validHousehold(seq++, villageCode);

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: TIME_SCALE });
  u = await loginAll(rt.url, ['applicant', 'village', 'village2']);
});
afterAll(() => rt?.stop());

/** A person of a new household, as a member. */
const memberOf = (h: Household, relation = '子女'): Member => ({
  name: '王五',
  idNumber: h.head.idNumber,
  relation,
  health: '',
  disability: '',
  schooling: '',
  ableToWork: true,
});

/** The head as the 户口簿 lists them among the members. */
const selfOf = (h: Household): Member => ({ ...memberOf(h, 'self'), name: h.head.name });

/** A filing whose head is `person` (a new household otherwise). */
const fileWithHead = (client: ApiClient, person: string, villageCode?: string) => {
  const h = household(villageCode);
  return client.post('/api/cases', {
    procedure: 'identification',
    household: { ...h, head: { ...h.head, idNumber: person } },
  });
};

/** Files `h` and has the village return it to the applicant: the case waits for a supplement. */
async function returnedCase(h: Household): Promise<string> {
  const { caseId } = await file(u.applicant, h);
  const task = await openTask(u.village, caseId, 'village_review');
  await decide(u.village, task.taskId, returnForSupplement);
  await statusReached(u.applicant, caseId, 'returned');
  // the supplement wait binds its callback token on the case (a version of its own): let it, so that "changes
  // nothing" compares a case nothing else is about to write
  await waitForQuiet(rt.engine, { settleMs: 300 });
  return caseId;
}

const errorOf = (body: unknown) =>
  (
    body as {
      error: { code: string; message: string; details: { path: string; rule: string; message?: string }[] };
    }
  ).error;

describe('a supplement moves the people it adds and drops in and out of "one person, one open case"', () => {
  it('a person added by a supplement is held: a filing naming them is a 409 naming the field and the case', async () => {
    // Arrange
    const h = household();
    const caseId = await returnedCase(h);
    const added = household().head.idNumber;

    // Act
    const res = await supplement(u.applicant, caseId, {
      note: '补充家庭成员',
      household: { members: [...h.members, { ...memberOf(h), idNumber: added }] },
    });
    const again = await fileWithHead(u.applicant, added);

    // Assert
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(again.status).toBe(409);
    expect(errorOf(again.body).details).toEqual([
      { path: 'household.head.idNumber', rule: 'one_open_case', message: `open case ${caseId}` },
    ]);
  });

  it('a person dropped by a supplement is free at once; the withdrawal later releases only what the case holds', async () => {
    // Arrange
    const h = household();
    const caseId = await returnedCase(h);
    const dropped = h.members[0]!.idNumber;

    // Act
    const res = await supplement(u.applicant, caseId, { note: '成员已分户', household: { members: [] } });
    const theirs = await fileWithHead(u.applicant, dropped);
    const withdrawn = await withdraw(u.applicant, caseId);
    const twice = await fileWithHead(u.applicant, dropped);
    const headAgain = await fileWithHead(u.applicant, h.head.idNumber);

    // Assert
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(twice.status).toBe(409);
    expect(errorOf(twice.body).message).toContain((theirs.body as { caseId: string }).caseId);
    expect(headAgain.status, JSON.stringify(headAgain.body)).toBe(201);
  });

  it('a supplement adding a person with another open case is a 409 naming the member’s field, and changes nothing', async () => {
    // Arrange
    const other = household();
    const { caseId: otherCase } = await file(u.applicant, other);
    const h = household();
    const caseId = await returnedCase(h);
    const before = await caseOf(u.applicant, caseId);
    const members = [...h.members, { ...memberOf(other), idNumber: other.members[0]!.idNumber }];

    // Act
    const res = await supplement(u.applicant, caseId, { note: '补充成员', household: { members } });

    // Assert
    expect(res.status).toBe(409);
    expect(errorOf(res.body).details).toEqual([
      { path: 'household.members[1].idNumber', rule: 'one_open_case', message: `open case ${otherCase}` },
    ]);
    const after = await caseOf(u.applicant, caseId);
    expect(after).toMatchObject({ status: 'returned', version: before.version });
    expect(after.household.members).toHaveLength(1);
    const dropped = await fileWithHead(u.applicant, h.members[0]!.idNumber);
    expect(dropped.status, 'the member the refused supplement would drop is still held').toBe(409);
  });

  it('a supplement is held to the filing’s household checks: 400 naming each bad field, nothing written', async () => {
    const h = household();
    const caseId = await returnedCase(h);
    const other = household().head.idNumber;
    const twin = { ...memberOf(h), idNumber: other };

    const repeated = await supplement(u.applicant, caseId, {
      note: '补充成员',
      household: { members: [...h.members, twin, { ...twin, name: '王六' }] },
    });
    const wrongSelf = await supplement(u.applicant, caseId, {
      note: '补充户主',
      household: { members: [{ ...selfOf(h), name: '别人' }, ...h.members] },
    });
    const repeatedRisk = await supplement(u.applicant, caseId, {
      note: '更正风险类型',
      household: { riskTypes: ['illness', 'illness'] },
    });

    expect(repeated.status).toBe(400);
    expect(errorOf(repeated.body).details).toEqual([
      expect.objectContaining({ path: 'household.members[2].idNumber', rule: 'unique_id_number' }),
    ]);
    expect(wrongSelf.status).toBe(400);
    expect(errorOf(wrongSelf.body).details).toEqual([
      expect.objectContaining({ path: 'household.members[0].name', rule: 'self_is_head' }),
    ]);
    expect(repeatedRisk.status).toBe(400);
    expect(errorOf(repeatedRisk.body).details).toEqual([
      expect.objectContaining({ path: 'household.riskTypes', rule: 'unique_items' }),
    ]);
    expect(await caseOf(u.applicant, caseId)).toMatchObject({ status: 'returned' });
    expect((await fileWithHead(u.applicant, other)).status, 'no guard was taken for the refused member').toBe(
      201,
    );
  });

  it('an unanswered return withdraws the case, never `error`, and frees exactly the people it then holds', async () => {
    // Arrange: supplemented once (a member swapped), returned again, then left unanswered
    const h = household();
    const caseId = await returnedCase(h);
    const added = household().head.idNumber;
    const res = await supplement(u.applicant, caseId, {
      note: '成员变更',
      household: { members: [{ ...memberOf(h), idNumber: added }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const task = await openTask(u.village, caseId, 'village_review');
    await decide(u.village, task.taskId, returnForSupplement);

    // Act
    const withdrawn = await statusReached(u.applicant, caseId, 'withdrawn', 60_000);

    // Assert
    expect(withdrawn.error).toBeUndefined();
    for (const person of [h.head.idNumber, added, h.members[0]!.idNumber]) {
      const filed = await fileWithHead(u.applicant, person);
      expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    }
  });
});

describe('households list their head among the members (relation `self`)', () => {
  it('files such a household with one guard per person, and a withdrawal frees them all', async () => {
    const h = household();
    const withSelf = { ...h, members: [selfOf(h), ...h.members] };

    const { caseId } = await file(u.applicant, withSelf);
    const second = await fileWithHead(u.applicant, h.head.idNumber);
    const withdrawn = await withdraw(u.applicant, caseId);
    const again = await u.applicant.post('/api/cases', { procedure: 'identification', household: withSelf });

    expect(second.status).toBe(409);
    expect(errorOf(second.body).details).toEqual([
      expect.objectContaining({ path: 'household.head.idNumber', rule: 'one_open_case' }),
    ]);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const c = await caseOf(u.applicant, (again.body as { caseId: string }).caseId);
    expect(c.household.members[0]).toMatchObject({ relation: 'self', name: h.head.name });
  });
});

describe('the duplicate-case 409 names the open case only to a caller who may read it', () => {
  it('another township’s reviewer learns that the person has an open case, not which', async () => {
    // Arrange: an open case in village 611002100201
    const h = household();
    const { caseId } = await file(u.applicant, h);

    // Act: a reviewer of 611002101202 files a household of theirs listing the same person
    const foreign = household('611002101202');
    const res = await u.village2.post('/api/cases', {
      procedure: 'identification',
      household: { ...foreign, members: [{ ...memberOf(h), idNumber: h.members[0]!.idNumber }] },
    });
    const local = await fileWithHead(u.village, h.members[0]!.idNumber);

    // Assert
    expect(res.status).toBe(409);
    expect(errorOf(res.body).details).toEqual([
      { path: 'household.members[0].idNumber', rule: 'one_open_case', message: 'open case exists' },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(caseId);
    expect(local.status).toBe(409);
    expect(errorOf(local.body).message).toContain(caseId);
  });
});
