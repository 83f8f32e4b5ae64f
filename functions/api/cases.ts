import { auditTrailCsv } from '../services/audit.ts';
import {
  auditTrail,
  caseWithTimeline,
  fileCase,
  listCases,
  supplement,
  withdraw,
} from '../services/cases.ts';
import { sharedDeps } from '../services/deps.ts';
import { householdHistory } from '../services/households.ts';
import { addMeasure, listMeasures, setContact, updateMeasure } from '../services/measures.ts';
import { publicityNotice } from '../services/notice.ts';
import { fileObjection } from '../services/objections.ts';
import { requestReexamination } from '../services/reexamination.ts';
import { riskEliminationPrecheck } from '../services/risk-elimination.ts';
import { csvBody, rawBody, routeGroup } from './http.ts';

/** The notice page loads nothing and runs nothing: its only style is inline. */
const NOTICE_HEADERS = { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" };

/** Case routes of contract v1: filing, listing, reading, supplements, withdrawal, re-examination, the audit trail. */
export const handler = routeGroup('cases', {
  fileApplication: ({ user, body }) => fileCase(sharedDeps(), user, body),
  checkRiskElimination: ({ user, params }) => riskEliminationPrecheck(sharedDeps(), user, params.caseId),
  listCases: ({ user, query }) => listCases(sharedDeps(), user, query),
  getCase: ({ user, params }) => caseWithTimeline(sharedDeps(), user, params.caseId),
  supplementCase: ({ user, params, body }) => supplement(sharedDeps(), user, params.caseId, body),
  withdrawCase: ({ user, params, body }) => withdraw(sharedDeps(), user, params.caseId, body),
  requestReexamination: ({ user, params, body }) =>
    requestReexamination(sharedDeps(), user, params.caseId, body),
  getCaseAudit: async ({ user, params, query }) =>
    query.format === 'csv'
      ? csvBody(await auditTrailCsv(sharedDeps(), user, params.caseId))
      : auditTrail(sharedDeps(), user, params.caseId),
  fileObjection: ({ user, params, body }) => fileObjection(sharedDeps(), user, params.caseId, body),
  listMeasures: ({ user, params }) => listMeasures(sharedDeps(), user, params.caseId),
  addMeasure: ({ user, params, body }) => addMeasure(sharedDeps(), user, params.caseId, body),
  updateMeasure: ({ user, params, body }) =>
    updateMeasure(sharedDeps(), user, params.caseId, params.measureId, body),
  setContact: ({ user, params, body }) => setContact(sharedDeps(), user, params.caseId, body),
  listHouseholdCases: ({ user, params }) => householdHistory(sharedDeps(), user, params.householdId),
  getPublicityNotice: async ({ user, params }) =>
    rawBody(
      await publicityNotice(sharedDeps(), user, params.caseId),
      'text/html; charset=utf-8',
      NOTICE_HEADERS,
    ),
});
