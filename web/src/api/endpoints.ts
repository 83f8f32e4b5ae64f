import { request } from './client.ts';
import type {
  AssigneeList,
  AuditRecord,
  CaseDetail,
  CaseFiling,
  CaseView,
  ChainStatus,
  ContactBody,
  ContactView,
  DecisionBody,
  HouseholdCase,
  MeasureBody,
  MeasurePatch,
  MeasureView,
  MonitoringReport,
  ObjectionBody,
  ObjectionView,
  Page,
  Procedure,
  RiskEliminationCheck,
  Session,
  Supplement,
  TaskView,
} from './types.ts';

const enc = encodeURIComponent;

/** Every route the console calls, typed by the shared schemas. */
export const api = {
  login: (username: string, password: string) =>
    request<Session>('POST', '/api/auth/login', { body: { username, password } }),
  health: () => request<{ status: string; now?: string }>('GET', '/health'),

  listTasks: (query: {
    stage?: string;
    procedure?: Procedure;
    overdue?: 'true' | 'false';
    mine?: 'true';
    view?: 'escalations';
    cursor?: string;
    limit?: number;
  }) => request<Page<TaskView>>('GET', '/api/tasks', { query }),
  getTask: (taskId: string) => request<TaskView>('GET', `/api/tasks/${enc(taskId)}`),
  claim: (taskId: string) => request<TaskView>('POST', `/api/tasks/${enc(taskId)}/claim`, { body: {} }),
  unclaim: (taskId: string) => request<TaskView>('POST', `/api/tasks/${enc(taskId)}/unclaim`, { body: {} }),
  assignees: (taskId: string) => request<AssigneeList>('GET', `/api/tasks/${enc(taskId)}/assignees`),
  reassign: (taskId: string, assignee: string) =>
    request<TaskView>('POST', `/api/tasks/${enc(taskId)}/reassign`, { body: { assignee } }),
  decide: (taskId: string, body: Partial<DecisionBody>) =>
    request<TaskView>('POST', `/api/tasks/${enc(taskId)}/decision`, { body }),

  listCases: (query: {
    procedure?: Procedure;
    status?: string;
    stage?: string;
    cursor?: string;
    limit?: number;
  }) => request<Page<CaseView>>('GET', '/api/cases', { query }),
  getCase: (caseId: string) => request<CaseDetail>('GET', `/api/cases/${enc(caseId)}`),
  fileCase: (body: CaseFiling) => request<CaseView>('POST', '/api/cases', { body }),
  riskEliminationCheck: (caseId: string) =>
    request<RiskEliminationCheck>('GET', `/api/cases/${enc(caseId)}/risk-elimination-check`),
  supplement: (caseId: string, body: Supplement) =>
    request<CaseView>('POST', `/api/cases/${enc(caseId)}/supplements`, { body }),
  withdraw: (caseId: string, reason: string) =>
    request<CaseView>('POST', `/api/cases/${enc(caseId)}/withdraw`, { body: { reason } }),
  reexamination: (caseId: string, reason: string) =>
    request<CaseView>('POST', `/api/cases/${enc(caseId)}/reexamination`, { body: { reason } }),
  audit: (caseId: string) =>
    request<{ records: AuditRecord[]; chain: ChainStatus }>('GET', `/api/cases/${enc(caseId)}/audit`),
  fileObjection: (caseId: string, body: ObjectionBody) =>
    request<ObjectionView>('POST', `/api/cases/${enc(caseId)}/objections`, { body }),
  measures: (caseId: string) =>
    request<{ items: MeasureView[] }>('GET', `/api/cases/${enc(caseId)}/measures`),
  addMeasure: (caseId: string, body: MeasureBody) =>
    request<MeasureView>('POST', `/api/cases/${enc(caseId)}/measures`, { body }),
  updateMeasure: (caseId: string, measureId: string, body: MeasurePatch) =>
    request<MeasureView>('PATCH', `/api/cases/${enc(caseId)}/measures/${enc(measureId)}`, { body }),
  setContact: (caseId: string, body: ContactBody) =>
    request<ContactView>('PUT', `/api/cases/${enc(caseId)}/contact`, { body }),
  householdCases: (householdId: string) =>
    request<{ items: HouseholdCase[] }>('GET', `/api/households/${enc(householdId)}/cases`),
  monitoring: (query: { year: string; county?: string }) =>
    request<MonitoringReport>('GET', '/api/reports/monitoring', { query }),
  notice: (caseId: string) => request<string>('GET', `/api/cases/${enc(caseId)}/notice`, { as: 'text' }),
};
