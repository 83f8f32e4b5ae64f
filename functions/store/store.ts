/**
 * The store as the services receive it in `Deps`: one object over the table, each member one entity module's
 * function (case.ts, task.ts, guard.ts …). It holds no logic of its own; it is the one thing a test replaces
 * the table of (a fresh DynamoDB Local table), and the one thing a handler builds from its environment.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Procedure } from '../../schemas/domain.ts';
import type { StaffMember } from '../../schemas/staff.ts';
import { documentClient, env } from '../commons/clients.ts';
import type { HumanStage } from '../core/procedure.ts';
import type { TimingSample } from '../core/timings.ts';
import * as accessLogs from './access-log.ts';
import * as calendar from './calendar.ts';
import * as cases from './case.ts';
import { applyCaseChange, type CaseChange } from './case-transaction.ts';
import * as guards from './guard.ts';
import * as measures from './measure.ts';
import * as milestones from './milestone.ts';
import * as objections from './objection.ts';
import * as policy from './policy.ts';
import * as samples from './samples.ts';
import * as staff from './staff.ts';
import { type Item, type PageRequest, Table } from './table.ts';
import * as tasks from './task.ts';
import type { TimingSince } from './timing-index.ts';

/** The only code that talks to DynamoDB. Every request path is a GetItem, a Query or a transaction. */
export class Store {
  readonly table: Table;

  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {
    this.table = new Table(doc, tableName);
  }

  /** A store on the process's shared client and the TABLE_NAME of the environment. */
  static fromEnv(): Store {
    return new Store(documentClient(), env('TABLE_NAME'));
  }

  /** Prepared items in BatchWriteItem requests of 25: bench seeding only (bench/seed.ts), never a case's state. */
  putItems = (items: Item[]) => this.table.putItems(items);

  // the case transaction (case-transaction.ts)
  apply = (change: CaseChange) => applyCaseChange(this.table, change);

  // cases (case.ts)
  getCase = (caseId: string) => cases.getCase(this.table, caseId);
  getCaseWithTrail = (caseId: string) => cases.getCaseWithTrail(this.table, caseId);
  casesOfApplicant = (sub: string, filter: cases.CaseListFilter, page: PageRequest) =>
    cases.casesOfApplicant(this.table, sub, filter, page);
  casesInJurisdiction = (jurisdiction: string, filter: cases.CaseListFilter, page: PageRequest) =>
    cases.casesInJurisdiction(this.table, jurisdiction, filter, page);
  casesNeedingAttention = (
    county: string,
    kind: 'idle' | 'error',
    filter: { idleBefore?: string; stage?: string; within?: string; procedure?: Procedure },
    page: PageRequest,
  ) => cases.casesNeedingAttention(this.table, county, kind, filter, page);
  inFlightCases = (counties: readonly string[]) => cases.inFlightCases(this.table, counties);
  monitoredCases = (county: string, before: string) => cases.monitoredCases(this.table, county, before);
  householdCases = (householdId: string) => cases.householdCases(this.table, householdId);
  bindSupplementToken = (caseId: string, token: string) =>
    cases.bindSupplementToken(this.table, caseId, token);

  // tasks (task.ts)
  getTask = (taskId: string) => tasks.getTask(this.table, taskId);
  getTaskAndCase = (taskId: string) => tasks.getTaskAndCase(this.table, taskId);
  bindTaskToken = (taskId: string, token: string) => tasks.bindTaskToken(this.table, taskId, token);
  inbox = (role: string, jurisdiction: string, page: PageRequest, filter?: tasks.InboxFilter) =>
    tasks.inbox(this.table, role, jurisdiction, page, filter);
  overdueOpenTasks = (
    county: string,
    beforeIso: string,
    filter: { stage?: string; township?: string; role?: string; assignee?: string; procedure?: Procedure },
    page: PageRequest,
  ) => tasks.overdueOpenTasks(this.table, county, beforeIso, filter, page);
  stageRecords = (
    procedure: Procedure,
    county: string,
    stage: HumanStage,
    month: string,
    township?: string,
    since?: TimingSince,
  ) => tasks.stageRecords(this.table, procedure, county, stage, month, township, since);
  lateStageRecords = (
    procedure: Procedure,
    county: string,
    stage: HumanStage,
    month: string,
    township: string | undefined,
    page: PageRequest,
  ) => tasks.lateStageRecords(this.table, procedure, county, stage, month, township, page);

  // milestones (milestone.ts), objections (objection.ts), guards (guard.ts)
  milestoneRecords = (
    procedure: Procedure,
    county: string,
    kind: string,
    month: string,
    township?: string,
    since?: TimingSince,
  ) => milestones.milestoneRecords(this.table, procedure, county, kind, month, township, since);
  openObjections = (caseId: string) => objections.openObjections(this.table, caseId);
  personHouseholds = (idNumbers: readonly string[]) => guards.personHouseholds(this.table, idNumbers);
  repairGuards = (
    caseId: string,
    version: number | undefined,
    change: { release: readonly guards.StoredGuard[]; claim?: readonly string[]; guards?: string[] },
  ) => guards.repairCaseGuards(this.table, caseId, version, change);

  // assistance measures (measure.ts)
  measuresOfCase = (caseId: string) => measures.measuresOfCase(this.table, caseId);
  overdueMeasures = (county: string, date: string, within: string | undefined, page: PageRequest) =>
    measures.overdueMeasures(this.table, county, date, within, page);

  // county settings (policy.ts, calendar.ts)
  getPolicy = (county: string) => policy.getPolicy(this.table, county);
  getPolicyRecord = (county: string) => policy.getPolicyRecord(this.table, county);
  putPolicy = (record: policy.PolicyRecord) => policy.putPolicy(this.table, record);
  policyHistory = (county: string, page: PageRequest) => policy.policyHistory(this.table, county, page);
  getCalendar = (county: string) => calendar.getCalendar(this.table, county);
  getCalendarOverrides = (county: string) => calendar.getCalendarOverrides(this.table, county);
  putCalendar = (item: calendar.CalendarItem, change: calendar.CalendarChange) =>
    calendar.putCalendar(this.table, item, change);

  // staff directory (staff.ts), access log (access-log.ts), stored timing samples (samples.ts)
  putStaff = (member: StaffMember) => staff.putStaff(this.table, member);
  getStaff = (sub: string) => staff.getStaff(this.table, sub);
  colleagues = (role: string, jurisdiction: string) => staff.colleagues(this.table, role, jurisdiction);
  putAccessLog = (entry: accessLogs.AccessLogItem) => accessLogs.putAccessLog(this.table, entry);
  accessLog = (
    county: string,
    range: { from: string; to: string },
    actor: string | undefined,
    page: PageRequest,
  ) => accessLogs.accessLog(this.table, county, range, actor, page);
  storedSamples = (indexPartition: string, township?: string) =>
    samples.storedSamples(this.table, indexPartition, township);
  samplesMarker = (indexPartition: string) => samples.samplesMarker(this.table, indexPartition);
  putSamples = (indexPartition: string, list: readonly TimingSample[], storedAt: string, through?: string) =>
    samples.putSamples(this.table, indexPartition, list, storedAt, through);
}
