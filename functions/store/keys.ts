/**
 * Every DynamoDB key of the single table, and the table's shape. Nothing else builds a key: the CDK table,
 * the local table and every query derive from this module. Each GSI is one family of access patterns
 * (DESIGN §2 "Data"): the numbers refer to that list.
 */
import { createHash } from 'node:crypto';

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Overloaded GSIs: the entity decides what its gsiNpk/gsiNsk hold (all strings). */
export const INDEXES = {
  /** (2) an applicant's cases, newest last · (3) a reviewer's open tasks for (role, jurisdiction) by due date */
  byOwner: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** cases in a county by village code · (7) open tasks of a county by due date */
  byCounty: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** (6) completed stage records by (county, stage, month), sorted by township */
  byTiming: { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
} as const;
export type IndexName = (typeof INDEXES)[keyof typeof INDEXES]['name'];

const pad = (n: number) => String(n).padStart(6, '0');

/** ID numbers never appear in keys: a one-way hash keeps the duplicate guard without exposing them. */
export const idNumberDigest = (idNumber: string) =>
  createHash('sha256').update(`resident-id:${idNumber}`).digest('hex');

export const keys = {
  /** (1) the case item; its audit records and objections share the partition */
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: '#CASE' }),
  casePartition: (caseId: string) => `CASE#${caseId}`,
  /** (1) one audit record per step; seq orders the chain */
  audit: (caseId: string, seq: number) => ({ pk: `CASE#${caseId}`, sk: `AUDIT#${pad(seq)}` }),
  auditPrefix: 'AUDIT#',
  /** (8) objections raised during publicity */
  objection: (caseId: string, objectionId: string) => ({
    pk: `CASE#${caseId}`,
    sk: `OBJECTION#${objectionId}`,
  }),
  objectionPrefix: 'OBJECTION#',
  /** (4) a task by id */
  task: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: '#TASK' }),
  /** (5) the open case of a household member's ID number */
  householdGuard: (idNumber: string) => ({ pk: `HOUSEHOLD#${idNumberDigest(idNumber)}`, sk: '#OPEN' }),
  /** a county's current policy */
  policy: (county: string) => ({ pk: `POLICY#${county}`, sk: '#CURRENT' }),
  /** a county's working-day calendar overrides */
  calendar: (county: string) => ({ pk: `CALENDAR#${county}`, sk: '#OVERRIDES' }),
} as const;

/** GSI attribute values, per entity and state. */
export const indexKeys = {
  caseOfApplicant: (applicantSub: string, createdAt: string, caseId: string) => ({
    gsi1pk: `APPLICANT#${applicantSub}`,
    gsi1sk: `${createdAt}#${caseId}`,
  }),
  applicantPartition: (applicantSub: string) => `APPLICANT#${applicantSub}`,
  caseInCounty: (villageCode: string, createdAt: string, caseId: string) => ({
    gsi2pk: `CASES#${villageCode.slice(0, 6)}`,
    gsi2sk: `${villageCode}#${createdAt}#${caseId}`,
  }),
  countyCasesPartition: (county: string) => `CASES#${county}`,
  /** present only while the task is open or claimed: the sparse inbox */
  openTask: (role: string, jurisdiction: string, dueAt: string, taskId: string) => ({
    gsi1pk: `INBOX#${role}#${jurisdiction}`,
    gsi1sk: `${dueAt}#${taskId}`,
    gsi2pk: `OPENTASKS#${jurisdiction.slice(0, 6)}`,
    gsi2sk: `${dueAt}#${taskId}`,
  }),
  inboxPartition: (role: string, jurisdiction: string) => `INBOX#${role}#${jurisdiction}`,
  countyOpenTasksPartition: (county: string) => `OPENTASKS#${county}`,
  /** upper bound (exclusive) of the open-task sort keys due before `iso`: the overdue ones */
  openTasksDueBefore: (iso: string) => iso,
  /** present once the task is decided: the stage-timing record */
  doneTask: (
    county: string,
    stage: string,
    month: string,
    township: string,
    decidedAt: string,
    taskId: string,
  ) => ({
    gsi3pk: `TIMING#${county}#${stage}#${month}`,
    gsi3sk: `${township}#${decidedAt}#${taskId}`,
  }),
  timingPartition: (county: string, stage: string, month: string) => `TIMING#${county}#${stage}#${month}`,
  /** the sort-key prefix of one township's stage records inside a timing partition */
  timingTownshipPrefix: (township: string) => `${township}#`,
} as const;

/** The table as CDK and the local runtime create it. */
export const TABLE_SPEC = {
  partitionKey: TABLE_KEYS.partitionKey,
  sortKey: TABLE_KEYS.sortKey,
  indexes: Object.values(INDEXES),
} as const;
