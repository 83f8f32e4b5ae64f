/** The console's view of the contract: types inferred from the same zod schemas the API parses with. */
export type {
  Application,
  CaseFiling,
  Evidence,
  Household,
  Member,
  Supplement,
  Withdrawal,
} from '../../../schemas/application.ts';
export type { Role } from '../../../schemas/common.ts';
export type { DecisionBody } from '../../../schemas/decision.ts';
export type { CaseStatus, DecisionKind, Procedure, RiskType, Stage } from '../../../schemas/domain.ts';
export type { HouseholdCase } from '../../../schemas/household.ts';
export type {
  ContactBody,
  ContactView,
  MeasureBody,
  MeasurePatch,
  MeasureView,
} from '../../../schemas/measure.ts';
export type { MonitoringReport } from '../../../schemas/monitoring.ts';
export type { ObjectionBody, ObjectionView } from '../../../schemas/objection.ts';
export type {
  AuditRecord,
  CaseView,
  ChainStatus,
  ErrorBody,
  TaskView,
  User,
} from '../../../schemas/records.ts';
export type { ReexaminationRequest } from '../../../schemas/reexamination.ts';
export type { AssigneeList, ReassignBody, StaffMember } from '../../../schemas/staff.ts';

import type { z } from 'zod';
import type { riskEliminationCheckSchema } from '../../../schemas/monitoring.ts';
import type { AuditRecord, CaseView, User } from '../../../schemas/records.ts';

/** `GET /api/cases/{caseId}/risk-elimination-check` */
export type RiskEliminationCheck = z.infer<typeof riskEliminationCheckSchema>;

/** One page of a list route: `cursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** `GET /api/cases/{caseId}` */
export type CaseDetail = CaseView & { timeline: AuditRecord[] };

/** `POST /api/auth/login` (local runtime) */
export interface Session {
  token: string;
  user: User;
}
