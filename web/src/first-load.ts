/**
 * What each page needs first, known before React or the page's code has loaded: its code (the lazy chunk) and the
 * GETs it makes on arrival. The boot (boot.ts) starts both for the page in the address bar while the console's own
 * code downloads and runs, so a deep link (an inbox, a case) waits for the slowest of them, not for their sum.
 * Kept free of React and Ant Design: the boot imports it.
 */
import { withQuery } from './api/client.ts';
import type { Role, User } from './api/types.ts';
import { pageChunk } from './page-chunk.ts';
import { DASHBOARD_PROCEDURE, defaultStageTimings } from './report-queries.ts';

/** The inbox's page of tasks. */
export const INBOX_PAGE_SIZE = 20;
/** The dashboard's page of stuck cases, and the idle days it starts with. */
export const STUCK_PAGE_SIZE = 20;
export const STUCK_DAYS = 10;

export const REVIEWERS: readonly Role[] = ['village_reviewer', 'township_reviewer', 'county_reviewer'];
/** Who may open the pages the boot starts early (routes.tsx gives them these). */
export const INBOX_ROLES = REVIEWERS;
export const CASE_ROLES: readonly Role[] = ['applicant', ...REVIEWERS, 'auditor', 'admin'];
export const DASHBOARD_ROLES: readonly Role[] = ['auditor', 'county_reviewer', 'admin'];

export const INBOX_CHUNK = pageChunk(() => import('./pages/inbox.tsx'));
export const CASE_DETAIL_CHUNK = pageChunk(() => import('./pages/case-detail.tsx'));
export const DASHBOARD_CHUNK = pageChunk(() => import('./pages/dashboard/dashboard-page.tsx'));

const enc = encodeURIComponent;
const countyOf = (jurisdiction: string) => jurisdiction.slice(0, 6);

/** The pages whose Ant Design styles the build extracts into a sheet of their own (page-styles.tsx). */
export type PageSheet = 'inbox' | 'case' | 'dashboard';

interface FirstLoad {
  pattern: RegExp;
  sheet: PageSheet;
  roles: readonly Role[];
  load: () => Promise<unknown>;
  /** the GETs the page makes first, exactly as it makes them */
  requests: (match: RegExpExecArray, user: User) => string[];
  /** the GETs it makes once it knows the server's now (GET /health, among `requests`) */
  afterNow?: (now: number, user: User) => string[];
}

const FIRST_LOADS: readonly FirstLoad[] = [
  {
    pattern: /^\/inbox$/,
    sheet: 'inbox',
    roles: INBOX_ROLES,
    load: INBOX_CHUNK.load,
    requests: () => [withQuery('/api/tasks', { limit: INBOX_PAGE_SIZE }), '/health'],
  },
  {
    pattern: /^\/cases\/(?!new$)([^/]+)$/,
    sheet: 'case',
    roles: CASE_ROLES,
    load: CASE_DETAIL_CHUNK.load,
    requests: (m) => [
      `/api/cases/${enc(decodeURIComponent(m[1]!))}`,
      `/api/cases/${enc(decodeURIComponent(m[1]!))}/audit`,
    ],
  },
  {
    pattern: /^\/dashboard$/,
    sheet: 'dashboard',
    roles: DASHBOARD_ROLES,
    load: DASHBOARD_CHUNK.load,
    requests: (_m, user) => [
      '/health',
      withQuery('/api/reports/stuck', {
        county: countyOf(user.jurisdiction),
        procedure: DASHBOARD_PROCEDURE,
        days: STUCK_DAYS,
        limit: STUCK_PAGE_SIZE,
      }),
    ],
    // the page's default window: the last twelve months of the server's now, by stage and by township
    afterNow: (now, user) => defaultStageTimings(countyOf(user.jurisdiction), now),
  },
];

/**
 * The page at `pathname` for `user`: its chunk loader, its style sheet, first GETs and those that follow the
 * server's now; undefined for any other page.
 */
export function firstLoadOf(
  pathname: string,
  user: User,
):
  | {
      load: () => Promise<unknown>;
      sheet: PageSheet;
      requests: string[];
      afterNow?: (now: number) => string[];
    }
  | undefined {
  for (const f of FIRST_LOADS) {
    const match = f.pattern.exec(pathname);
    // a page the role may not open is never fetched for it (the console shows its 404)
    if (match && f.roles.includes(user.role)) {
      const { afterNow } = f;
      return {
        load: f.load,
        sheet: f.sheet,
        requests: f.requests(match, user),
        ...(afterNow ? { afterNow: (now: number) => afterNow(now, user) } : {}),
      };
    }
  }
  return undefined;
}
