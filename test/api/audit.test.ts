import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../functions/core/audit-chain.ts';
import { keys } from '../../functions/store/keys.ts';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import type { Runtime } from '../../local/runtime.ts';
import type { AuditRecord } from '../../schemas/records.ts';
import { validHousehold } from '../support/fixtures.ts';
import { type ApiClient, loginAll, startTestRuntime } from '../support/runtime.ts';
import { approval, decide, file, openTask } from '../support/scenario.ts';

/*
 * Someone with direct access to the table edits, deletes, reorders or inserts audit records. Each time, both the
 * case's own check (GET /api/cases/{id}/audit) and the county-wide verification (POST /api/audit/verify) must
 * name the exact record where the chain breaks. The tampering goes through the test's own DynamoDB client,
 * straight to the runtime's DynamoDB Local, never through the API.
 */
let rt: Runtime;
let users: Record<string, ApiClient>;
let doc: DynamoDBDocumentClient;
let table: string;
const cases: string[] = [];
/** Records per seeded trail: filed, task_opened, claimed, decided, task_opened (township). */
const TRAIL = 5;
const SEEDED = 7;

interface Verification {
  county: string;
  checked: number;
  valid: number;
  broken: { caseId: string; brokenAt: number; reason: string }[];
  complete: boolean;
  cursor?: string;
}

beforeAll(async () => {
  rt = await startTestRuntime({ timeScale: 1 });
  users = await loginAll(rt.url);
  doc = DynamoDBDocumentClient.from(localDynamoDbClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!));
  table = process.env.TABLE_NAME!;
  for (let i = 0; i < SEEDED; i++) {
    const { caseId } = await file(users.village!, validHousehold(700 + i));
    const task = await openTask(users.village!, caseId, 'village_review');
    expect((await users.village!.post(`/api/tasks/${task.taskId}/claim`)).status).toBe(200);
    await decide(users.village!, task.taskId, approval('village_review'));
    // the workflow's next step writes the fifth record: wait for it before anyone touches the trail
    await openTask(users.township!, caseId, 'township_verification');
    cases.push(caseId);
  }
}, 120_000);
afterAll(async () => {
  doc?.destroy();
  await rt?.stop();
});

const recordKey = (caseId: string, seq: number) => keys.audit(caseId, seq);

async function readRecord(caseId: string, seq: number): Promise<Record<string, unknown>> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: recordKey(caseId, seq) }));
  return out.Item!;
}

/** A record's content: everything but its table keys. */
function contentOf(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...content } = item;
  return content;
}

const verify = (who = 'auditor', county = '611002') =>
  users[who]!.post<Verification>(`/api/audit/verify?county=${county}`);

/** What was done to which seeded case, and the record each check must name. */
const TAMPERINGS: [string, number, (caseId: string) => Promise<void>, number, string][] = [
  [
    'editing a decision’s comment',
    0,
    async (caseId) => {
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: recordKey(caseId, 4),
          UpdateExpression: 'SET #c = :c',
          ExpressionAttributeNames: { '#c': 'comment' },
          ExpressionAttributeValues: { ':c': '不同意' },
        }),
      );
    },
    4,
    'content',
  ],
  [
    'deleting the claim from the middle',
    1,
    async (caseId) => {
      await doc.send(new DeleteCommand({ TableName: table, Key: recordKey(caseId, 3) }));
    },
    3,
    'sequence',
  ],
  [
    'deleting the last record',
    2,
    async (caseId) => {
      await doc.send(new DeleteCommand({ TableName: table, Key: recordKey(caseId, TRAIL) }));
    },
    TRAIL,
    'truncated',
  ],
  [
    'swapping the content of two records (reordering)',
    3,
    async (caseId) => {
      const [second, fourth] = [await readRecord(caseId, 2), await readRecord(caseId, 4)];
      await doc.send(
        new PutCommand({ TableName: table, Item: { ...recordKey(caseId, 2), ...contentOf(fourth) } }),
      );
      await doc.send(
        new PutCommand({ TableName: table, Item: { ...recordKey(caseId, 4), ...contentOf(second) } }),
      );
    },
    2,
    'sequence',
  ],
  [
    'appending a record sealed onto the chain (a forged extension)',
    4,
    async (caseId) => {
      const last = (await readRecord(caseId, TRAIL)) as unknown as AuditRecord;
      const forged = seal(last.hash, {
        caseId,
        seq: TRAIL + 1,
        at: last.at,
        actor: { sub: 'demo-county', name: '赵敏（县乡村振兴局）', role: 'county_reviewer' },
        action: 'decided',
        stage: 'township_verification',
        decision: 'approve',
        comment: '同意',
      });
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...recordKey(caseId, TRAIL + 1), entity: 'audit', ...forged },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    TRAIL + 1,
    'truncated',
  ],
  [
    'inserting a record between two others',
    5,
    async (caseId) => {
      // sorts between AUDIT#…2 and AUDIT#…3, claims to be record 3 and links to record 2
      const third = contentOf(await readRecord(caseId, 3));
      await insertAfterSecond(caseId, { ...third, comment: '补录：已电话核实' });
    },
    3,
    'inserted',
  ],
  [
    'inserting a well-formed record between two others (sealed onto record 2)',
    6,
    async (caseId) => {
      // Its seq, link and hash all check out: only the anchored chain shows it is not one of the case's records.
      const { entity, hash: _h, prevHash, ...third } = contentOf(await readRecord(caseId, 3));
      const forged = seal(prevHash as string, { ...(third as AuditRecord), comment: '补录：已电话核实' });
      await insertAfterSecond(caseId, { entity, ...forged });
    },
    3,
    'inserted',
  ],
];

/** Puts `content` under a key that sorts between AUDIT#…2 and AUDIT#…3 of the case. */
async function insertAfterSecond(caseId: string, content: object) {
  const sk = `${recordKey(caseId, 2).sk}~`;
  await doc.send(
    new PutCommand({ TableName: table, Item: { pk: keys.casePartition(caseId), sk, ...content } }),
  );
}

describe('tampering with the audit trail', () => {
  const broken: Verification['broken'] = [];

  it('every seeded chain holds before anyone touches the table', async () => {
    const res = await verify();

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      county: '611002',
      checked: SEEDED,
      valid: SEEDED,
      broken: [],
      complete: true,
    });
    for (const caseId of cases) {
      const audit = await users.auditor!.get(`/api/cases/${caseId}/audit`);
      expect(audit.body.chain).toEqual({ valid: true, length: TRAIL });
    }
  });

  it.each(TAMPERINGS)('%s is named by both checks', async (_what, index, tamper, brokenAt, reason) => {
    // Arrange
    const caseId = cases[index]!;
    await tamper(caseId);
    broken.push({ caseId, brokenAt, reason });

    // Act
    const audit = await users.auditor!.get(`/api/cases/${caseId}/audit`);
    const county = await verify();

    // Assert
    expect(audit.body.chain).toMatchObject({ valid: false, brokenAt, problem: reason });
    expect(county.body.checked).toBe(SEEDED);
    expect(county.body.valid).toBe(SEEDED - broken.length);
    const byCase = (a: { caseId: string }, b: { caseId: string }) => (a.caseId < b.caseId ? -1 : 1);
    expect([...county.body.broken].sort(byCase)).toEqual([...broken].sort(byCase));
  });

  it('leaves the untouched chains valid', async () => {
    const untouched = cases.filter((c) => !TAMPERINGS.some(([, i]) => cases[i] === c));

    for (const caseId of untouched) {
      expect((await users.auditor!.get(`/api/cases/${caseId}/audit`)).body.chain.valid).toBe(true);
    }
  });
});

describe('POST /api/audit/verify', () => {
  it('is for auditors: other roles 403, another county 404, a bad county 400', async () => {
    const statuses = await Promise.all([
      verify('admin'),
      verify('county'),
      verify('township'),
      verify('applicant'),
      verify('auditor', '611003'),
      verify('auditor', '6110'),
    ]);

    expect(statuses.map((r) => r.status)).toEqual([403, 403, 403, 403, 404, 400]);
  });

  it("is itself recorded in the county's access log", async () => {
    const log = await users.admin!.get<{ items: { route: string; query?: Record<string, string> }[] }>(
      '/api/audit/access-log?actor=auditor&limit=100',
    );

    expect(log.status).toBe(200);
    const verifications = log.body.items.filter((e) => e.route === 'POST /api/audit/verify');
    expect(verifications.length).toBe(1 + TAMPERINGS.length);
    expect(verifications.every((e) => e.query?.county === '611002')).toBe(true);
  });
});

describe('the access log of a read', () => {
  it('records a read whose query has a parameter without a name: 200 (it was a 500 the HTTP fuzz found)', async () => {
    const res = await users.auditor!.get(`/api/cases/${cases[0]}?=x&%29%24=y`);

    expect(res.status).toBe(200);
    const log = await users.admin!.get<{ items: { route: string; query?: Record<string, string> }[] }>(
      '/api/audit/access-log?actor=auditor&limit=100',
    );
    expect(log.body.items.some((e) => e.query?.[')$'] === 'y')).toBe(true);
  });
});
