import { z } from 'zod';
import { applicationSchema, supplementSchema, withdrawSchema } from '../../schemas/application.ts';
import { objectionBodySchema } from '../../schemas/objection.ts';
import { caseListQuerySchema } from '../../schemas/queries.ts';
import { reexaminationRequestSchema } from '../../schemas/reexamination.ts';
import { auditQuerySchema, auditTrailCsv } from '../services/audit.ts';
import {
  auditTrail,
  caseWithTimeline,
  fileApplication,
  listCases,
  supplement,
  withdraw,
} from '../services/cases.ts';
import { sharedDeps } from '../services/deps.ts';
import { publicityNotice } from '../services/notice.ts';
import { fileObjection } from '../services/objections.ts';
import { requestReexamination } from '../services/reexamination.ts';
import { csvBody, rawBody, route, routeGroup } from './http.ts';

/** The notice page loads nothing and runs nothing: its only style is inline. */
const NOTICE_HEADERS = { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" };

const caseParams = z.object({ caseId: z.string().min(1).max(100) });

/** Case routes of contract v1: filing, listing, reading, supplements, withdrawal, re-examination, the audit trail. */
export const handler = routeGroup('cases', [
  route({ method: 'POST', path: '/api/cases', body: applicationSchema, status: 201 }, ({ user, body }) =>
    fileApplication(sharedDeps(), user, body),
  ),
  route(
    {
      method: 'GET',
      path: '/api/cases',
      query: caseListQuerySchema,
    },
    ({ user, query }) => listCases(sharedDeps(), user, query),
  ),
  route({ method: 'GET', path: '/api/cases/{caseId}', params: caseParams }, ({ user, params }) =>
    caseWithTimeline(sharedDeps(), user, params.caseId),
  ),
  route(
    { method: 'POST', path: '/api/cases/{caseId}/supplements', params: caseParams, body: supplementSchema },
    ({ user, params, body }) => supplement(sharedDeps(), user, params.caseId, body),
  ),
  route(
    { method: 'POST', path: '/api/cases/{caseId}/withdraw', params: caseParams, body: withdrawSchema },
    ({ user, params, body }) => withdraw(sharedDeps(), user, params.caseId, body),
  ),
  route(
    {
      method: 'POST',
      path: '/api/cases/{caseId}/reexamination',
      params: caseParams,
      body: reexaminationRequestSchema,
    },
    ({ user, params, body }) => requestReexamination(sharedDeps(), user, params.caseId, body),
  ),
  route(
    { method: 'GET', path: '/api/cases/{caseId}/audit', params: caseParams, query: auditQuerySchema },
    async ({ user, params, query }) =>
      query.format === 'csv'
        ? csvBody(await auditTrailCsv(sharedDeps(), user, params.caseId))
        : auditTrail(sharedDeps(), user, params.caseId),
  ),
  route(
    {
      method: 'POST',
      path: '/api/cases/{caseId}/objections',
      params: caseParams,
      body: objectionBodySchema,
      status: 201,
    },
    ({ user, params, body }) => fileObjection(sharedDeps(), user, params.caseId, body),
  ),
  route({ method: 'GET', path: '/api/cases/{caseId}/notice', params: caseParams }, async ({ user, params }) =>
    rawBody(
      await publicityNotice(sharedDeps(), user, params.caseId),
      'text/html; charset=utf-8',
      NOTICE_HEADERS,
    ),
  ),
]);
