/**
 * Every DynamoDB key of the single table, and the table's shape. Nothing else builds a key: the CDK table,
 * the local table and every query derive from this module. Each GSI is one family of access patterns
 * (docs/data-model.md, "Access patterns"): the numbers refer to that list.
 */
import { createHash } from 'node:crypto';
import type { Procedure } from '../../schemas/domain.ts';
import { countyOf } from '../core/jurisdiction.ts';

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * What each reader of the timing index reads back: completed stage records, whole-case milestones, cases
 * needing attention. The store reads exactly these lists.
 */
export const TIMING_INDEX_READS = {
  /** a stage record's stage is its partition's (the reader names it), so no case's stage is copied here */
  stageRecord: [
    'taskId',
    'caseId',
    'procedure',
    'villageCode',
    'openedAt',
    'claimedAt',
    'decidedAt',
    'dueAt',
    'decision',
  ],
  milestone: ['caseId', 'procedure', 'kind', 'villageCode', 'startedAt', 'at', 'dueAt', 'decision'],
  /**
   * what the stuck-case report filters on: it then reads the cases themselves by key, and keeps those idle long
   * enough in the stage asked for
   */
  activity: ['caseId', 'procedure', 'villageCode'],
  monitored: [
    'caseId',
    'villageCode',
    'status',
    'enrolledAt',
    'riskEliminatedAt',
    'previousCaseIds',
    'personCount',
    'measurePlan',
  ],
} as const;

/**
 * What the household index copies besides keys: the case's id only. A household has a handful of cases, read by
 * key after the index, so no change of a case's status or stage rewrites its household entry.
 */
export const HOUSEHOLD_INDEX_READS = ['caseId'] as const;

/**
 * What the timing index copies besides keys: what its readers read and nothing more. A case step then copies a
 * few hundred bytes to it instead of the whole case, and a year's timing report reads about a third of the bytes.
 */
export const TIMING_INDEX_ATTRIBUTES: readonly string[] = [
  ...new Set(Object.values(TIMING_INDEX_READS).flat()),
];

/**
 * What each reader of the owner and county indexes reads back: open tasks (an inbox, a county's overdue ones:
 * everything a task view shows and the page filters on, never its token nor its route), staff members, and of a
 * case only what the page filters on (the list then reads the cases themselves by key, so no household, policy or
 * trail head is copied into an index at each step).
 */
export const LIST_INDEX_READS = {
  task: [
    'taskId',
    'caseId',
    'procedure',
    'stage',
    'role',
    'jurisdiction',
    'villageCode',
    'headName',
    'status',
    'assignee',
    'assigneeName',
    'openedAt',
    'dueAt',
    'escalateAt',
    'escalations',
    'overdue',
    'claimedAt',
  ],
  staff: ['sub', 'name', 'role', 'jurisdiction'],
  /** on the case's filing item, which never changes: the list reads the cases by key and filters on their state */
  case: ['caseId', 'procedure'],
  /** the overdue-measure report filters on the village, then reads the measures themselves by key */
  measure: ['measureId', 'caseId', 'villageCode'],
} as const;

/** What the owner and county indexes copy besides keys: the union of what their readers read. */
export const LIST_INDEX_ATTRIBUTES: readonly string[] = [...new Set(Object.values(LIST_INDEX_READS).flat())];

/**
 * What the owner index copies: what its readers read (tasks, staff, cases). No index copies a name every case step
 * changes on the case item (`version`, `updatedAt`, the chain head): each step would rewrite the case's entries
 * for nothing.
 */
export const OWNER_INDEX_ATTRIBUTES: readonly string[] = [
  ...new Set([...LIST_INDEX_READS.task, ...LIST_INDEX_READS.staff, ...LIST_INDEX_READS.case]),
];
/** What the county index copies: open tasks, cases, planned measures. */
export const COUNTY_INDEX_ATTRIBUTES: readonly string[] = [
  ...new Set([...LIST_INDEX_READS.task, ...LIST_INDEX_READS.case, ...LIST_INDEX_READS.measure]),
];

/** What a GSI copies besides its keys: every attribute, or only those named. */
export type IndexProjection = 'ALL' | readonly string[];

/** Overloaded GSIs: the entity decides what its gsiNpk/gsiNsk hold (all strings). */
export const INDEXES = {
  /**
   * (2) an applicant's cases, newest last · (3) a reviewer's open tasks for (role, jurisdiction) by due date ·
   * the staff directory's reviewers of (role, jurisdiction)
   */
  byOwner: {
    name: 'gsi1',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    projection: OWNER_INDEX_ATTRIBUTES as IndexProjection,
  },
  /** cases in a county by village code · (7) open tasks of a county by due date · planned measures by date */
  byCounty: {
    name: 'gsi2',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    projection: COUNTY_INDEX_ATTRIBUTES as IndexProjection,
  },
  /**
   * (6) completed stage records by (county, stage, month), sorted by township, and whole-case milestones by
   * (county, kind, month) · (10) open cases of a county by last progress, and its cases in error (case items) ·
   * (14) enrolled and risk-eliminated cases of a county by enrolment time (case items)
   */
  byTiming: {
    name: 'gsi3',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    projection: TIMING_INDEX_ATTRIBUTES,
  },
  /** (15) a household's cases, oldest first: its whole monitoring history (re-entry links them) */
  byHousehold: {
    name: 'gsi4',
    partitionKey: 'gsi4pk',
    sortKey: 'gsi4sk',
    projection: HOUSEHOLD_INDEX_READS as IndexProjection,
  },
} as const;
export type IndexName = (typeof INDEXES)[keyof typeof INDEXES]['name'];

const pad = (n: number) => String(n).padStart(6, '0');

/**
 * The procedure's segment of a timing-index partition key: none for identification (its keys are those stored
 * before risk elimination existed, so nothing stored moves), `risk_elimination#` for risk elimination.
 */
const procedureSegment = (procedure: Procedure) => (procedure === 'identification' ? '' : `${procedure}#`);

/** ID numbers never appear in keys: a one-way hash keeps the duplicate guard without exposing them. */
export const idNumberDigest = (idNumber: string) =>
  createHash('sha256').update(`resident-id:${idNumber}`).digest('hex');

/** Partition-key prefix of the access log: the only items the read-only API groups may put (IAM LeadingKeys). */
export const ACCESS_LOG_PREFIX = 'ACCESS#';
/** Partition-key prefix of stored timing samples: the reports group may put these too (IAM LeadingKeys). */
export const SAMPLES_PREFIX = 'SAMPLES#';

/**
 * A task's id names its case (`<id>.<caseId>`), so a task and its case are read in one request
 * (task.ts getTaskAndCase). Clients treat task ids as opaque; an id without its case (a task opened before) is read
 * in two.
 */
export const taskIdOf = (id: string, caseId: string): string => `${id}.${caseId}`;

/** The case a task's id names, if it names one. */
export function caseIdOfTask(taskId: string): string | undefined {
  const dot = taskId.indexOf('.');
  return dot > 0 && dot < taskId.length - 1 ? taskId.slice(dot + 1) : undefined;
}

export const keys = {
  /** (1) the case item; its audit records and objections share the partition */
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: '#CASE' }),
  /**
   * (1) what the case's filing fixed (its household, applicant, policy, evidence, execution), beside the case item
   * so no step rewrites it; it sorts right after the case item, and nothing else of the partition sorts between
   */
  caseFiling: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: '#FILING' }),
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
  /** (9) an assistance measure of an enrolled case */
  measure: (caseId: string, measureId: string) => ({ pk: `CASE#${caseId}`, sk: `MEASURE#${measureId}` }),
  measurePrefix: 'MEASURE#',
  /**
   * (5) the household a person was last filed with: read at filing so a household that falls back into risk
   * (返贫) keeps its householdId and links its earlier cases; never deleted
   */
  personHousehold: (idNumber: string) => ({ pk: `PERSON#${idNumberDigest(idNumber)}`, sk: '#HOUSEHOLD' }),
  /** (4) a task by id */
  task: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: '#TASK' }),
  /** (5) the open case of a household member's ID number */
  householdGuard: (idNumber: string) => keys.guardAt(`HOUSEHOLD#${idNumberDigest(idNumber)}`),
  /** a guard by its partition key, as a Scan of the guards (the one-off repair) reads it */
  guardAt: (pk: string) => ({ pk, sk: '#OPEN' }),
  /** a county's current policy; its versions share the partition */
  policy: (county: string) => ({ pk: `POLICY#${county}`, sk: '#CURRENT' }),
  policyPartition: (county: string) => `POLICY#${county}`,
  /** one stored version of a county's policy, kept with who changed it and when */
  policyVersion: (county: string, version: number) => ({ pk: `POLICY#${county}`, sk: `V#${pad(version)}` }),
  /** a county's working-day calendar overrides; each change is kept in the partition */
  calendar: (county: string) => ({ pk: `CALENDAR#${county}`, sk: '#OVERRIDES' }),
  /** one change of a county's calendar overrides: the dates it set, who and when */
  calendarChange: (county: string, version: number) => ({
    pk: `CALENDAR#${county}`,
    sk: `V#${pad(version)}`,
  }),
  /** sort-key prefix of the versions in a policy or calendar partition */
  versionPrefix: 'V#',
  /** a reviewer in the staff directory, by their identity's sub */
  staff: (sub: string) => ({ pk: `STAFF#${sub}`, sk: '#STAFF' }),
  /**
   * a whole-case milestone (county decision, enrolment) reached at `at`, in the case's partition: one item per
   * reaching, never changed, so a month's milestones settle like its stage records
   */
  milestone: (caseId: string, kind: string, at: string) => ({
    pk: `CASE#${caseId}`,
    sk: `MILESTONE#${kind}#${at}`,
  }),
  /** (11) one recorded read in a county's access log, in time order */
  accessLog: (county: string, at: string, requestId: string) => ({
    pk: `${ACCESS_LOG_PREFIX}${county}`,
    sk: `${at}#${requestId}`,
  }),
  accessLogPartition: (county: string) => `${ACCESS_LOG_PREFIX}${county}`,
  /**
   * (6) the stored timing samples of one township in a settled timing-index partition (TIMING#… or WHOLE#…),
   * and the marker that says every township's samples of that partition are stored
   */
  samples: (indexPartition: string, township: string) => ({
    pk: `${SAMPLES_PREFIX}${indexPartition}`,
    sk: `T#${township}`,
  }),
  samplesStored: (indexPartition: string) => ({ pk: `${SAMPLES_PREFIX}${indexPartition}`, sk: '#STORED' }),
  samplesPartition: (indexPartition: string) => `${SAMPLES_PREFIX}${indexPartition}`,
} as const;

/** GSI attribute values, per entity and state. */
export const indexKeys = {
  caseOfApplicant: (applicantSub: string, createdAt: string, caseId: string) => ({
    gsi1pk: `APPLICANT#${applicantSub}`,
    gsi1sk: `${createdAt}#${caseId}`,
  }),
  applicantPartition: (applicantSub: string) => `APPLICANT#${applicantSub}`,
  caseInCounty: (villageCode: string, createdAt: string, caseId: string) => ({
    gsi2pk: `CASES#${countyOf(villageCode)}`,
    gsi2sk: `${villageCode}#${createdAt}#${caseId}`,
  }),
  countyCasesPartition: (county: string) => `CASES#${county}`,
  /** present only while the task is open or claimed: the sparse inbox */
  openTask: (role: string, jurisdiction: string, dueAt: string, taskId: string) => ({
    gsi1pk: `INBOX#${role}#${jurisdiction}`,
    gsi1sk: `${dueAt}#${taskId}`,
    gsi2pk: `OPENTASKS#${countyOf(jurisdiction)}`,
    gsi2sk: `${dueAt}#${taskId}`,
  }),
  inboxPartition: (role: string, jurisdiction: string) => `INBOX#${role}#${jurisdiction}`,
  countyOpenTasksPartition: (county: string) => `OPENTASKS#${county}`,
  /** upper bound (exclusive) of the open-task sort keys due before `iso`: the overdue ones */
  openTasksDueBefore: (iso: string) => iso,
  /** a staff member among the colleagues of their (role, jurisdiction) */
  staffMember: (role: string, jurisdiction: string, sub: string) => ({
    gsi1pk: `STAFF#${role}#${jurisdiction}`,
    gsi1sk: sub,
  }),
  staffPartition: (role: string, jurisdiction: string) => `STAFF#${role}#${jurisdiction}`,
  /**
   * present once the task is decided: the stage-timing record, in its procedure's partition
   * (`TIMING#<county>#<stage>#<month>` for identification, `TIMING#<county>#risk_elimination#<stage>#<month>`)
   */
  doneTask: (
    procedure: Procedure,
    county: string,
    stage: string,
    month: string,
    township: string,
    decidedAt: string,
    taskId: string,
  ) => ({
    gsi3pk: indexKeys.timingPartition(procedure, county, stage, month),
    gsi3sk: `${township}#${decidedAt}#${taskId}`,
  }),
  timingPartition: (procedure: Procedure, county: string, stage: string, month: string) =>
    `TIMING#${county}#${procedureSegment(procedure)}${stage}#${month}`,
  /**
   * a whole-case milestone by (procedure, county, kind, month reached), sorted by township like the stage records
   * (`WHOLE#<county>#<kind>#<month>` for identification, `WHOLE#<county>#risk_elimination#<kind>#<month>`)
   */
  wholeCase: (
    procedure: Procedure,
    county: string,
    kind: string,
    month: string,
    township: string,
    at: string,
    caseId: string,
  ) => ({
    gsi3pk: indexKeys.wholeCasePartition(procedure, county, kind, month),
    gsi3sk: `${township}#${at}#${caseId}`,
  }),
  wholeCasePartition: (procedure: Procedure, county: string, kind: string, month: string) =>
    `WHOLE#${county}#${procedureSegment(procedure)}${kind}#${month}`,
  /**
   * (10) on the case item while it is open or returned: the county's cases in filing order. The entry never moves
   * while the case goes from stage to stage, so no step but the last rewrites it (a case stored before sorts by
   * when it entered its stage: the readers never rely on the order of this partition)
   */
  activeCase: (villageCode: string, createdAt: string, caseId: string) => ({
    gsi3pk: `ACTIVE#${countyOf(villageCode)}`,
    gsi3sk: `${createdAt}#${caseId}`,
  }),
  activeCasesPartition: (county: string) => `ACTIVE#${county}`,
  /**
   * upper bound (exclusive) of the active entries filed before `iso` (and of a case stored before, in its stage
   * since before it): no other case can have been in its stage since then
   */
  filedBefore: (iso: string) => iso,
  /** (10) on the case item while it is in error, instead of the active entry: by when it failed */
  errorCase: (villageCode: string, stageEnteredAt: string, caseId: string) => ({
    gsi3pk: `ERRORS#${countyOf(villageCode)}`,
    gsi3sk: `${stageEnteredAt}#${caseId}`,
  }),
  errorCasesPartition: (county: string) => `ERRORS#${county}`,
  /** (9) on a measure item while it is planned: the county's planned measures by planned date */
  plannedMeasure: (villageCode: string, plannedAt: string, caseId: string, measureId: string) => ({
    gsi2pk: `MEASURES#${countyOf(villageCode)}`,
    gsi2sk: `${plannedAt}#${caseId}#${measureId}`,
  }),
  plannedMeasuresPartition: (county: string) => `MEASURES#${county}`,
  /** upper bound (exclusive) of the planned-measure sort keys planned before `date`: the overdue ones */
  plannedBefore: (date: string) => date,
  /** (14) on the case item once enrolled (also after its risk is eliminated): the county's monitored cases */
  monitoredCase: (villageCode: string, enrolledAt: string, caseId: string) => ({
    gsi3pk: `MONITORED#${countyOf(villageCode)}`,
    gsi3sk: `${enrolledAt}#${caseId}`,
  }),
  monitoredCasesPartition: (county: string) => `MONITORED#${county}`,
  /** upper bound (exclusive) of the monitored-case sort keys enrolled before `iso` */
  enrolledBefore: (iso: string) => iso,
  /**
   * The monitored-case sort keys enrolled before `iso`, cut into contiguous ranges read side by side: everything
   * before the year two years back, then each quarter up to `iso`. Each range is `[from, to)`; `from` is absent for
   * the first. The bounds are month prefixes (`2026-04`), below every key of that month and above every earlier one.
   */
  enrolmentRanges: (iso: string): { from?: string; to: string }[] => {
    const year = Number(iso.slice(0, 4));
    const bounds: string[] = [];
    for (let y = year - 2; y <= year; y++) {
      for (const m of ['01', '04', '07', '10']) if (`${y}-${m}` < iso) bounds.push(`${y}-${m}`);
    }
    return [...bounds, iso].map((to, i) => (i === 0 ? { to } : { from: bounds[i - 1], to }));
  },
  /** (15) on every case item of a household: its history in filing order */
  householdCase: (householdId: string, createdAt: string, caseId: string) => ({
    gsi4pk: `HOUSEHOLD#${householdId}`,
    gsi4sk: `${createdAt}#${caseId}`,
  }),
  householdPartition: (householdId: string) => `HOUSEHOLD#${householdId}`,
  /** the sort-key prefix of one township's stage records inside a timing partition */
  timingTownshipPrefix: (township: string) => `${township}#`,
  /** the first sort key of a township's records decided (reached) at or after `at` inside a timing partition */
  timingTownshipFrom: (township: string, at: string) => `${township}#${at}`,
  /** a sort key after every record of a township inside a timing partition, before the next township's */
  timingTownshipEnd: (township: string) => `${township}$`,
} as const;

/** The table as CDK and the local runtime create it. */
export const TABLE_SPEC = {
  partitionKey: TABLE_KEYS.partitionKey,
  sortKey: TABLE_KEYS.sortKey,
  indexes: Object.values(INDEXES),
} as const;
