import {
  AuditOutlined,
  FileAddOutlined,
  InboxOutlined,
  SettingOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { lazy, type ReactNode } from 'react';
import type { Role } from './api/types.ts';
import {
  CASE_ROLES,
  DASHBOARD_ROLES,
  INBOX_ROLES,
  loadCaseDetail,
  loadDashboard,
  loadInbox,
  REVIEWERS,
} from './first-load.ts';

/** A page of the console: its path, who sees it in the menu and may open it, and its menu label key. */
export interface PageDef {
  path: string;
  menuKey?: 'inbox' | 'cases' | 'newCase' | 'dashboard' | 'admin';
  icon?: ReactNode;
  roles: readonly Role[];
  element: ReturnType<typeof lazy>;
}

/**
 * Every page, in menu order. Pages load on first use, so a village cadre never downloads the auditor's charts;
 * the boot starts a deep link's page early (first-load.ts).
 * The dashboard and admin pages (web/src/pages/dashboard*, admin*) hang here.
 */
export const PAGES: readonly PageDef[] = [
  {
    path: '/inbox',
    menuKey: 'inbox',
    icon: <InboxOutlined />,
    roles: INBOX_ROLES,
    element: lazy(loadInbox),
  },
  {
    path: '/cases',
    menuKey: 'cases',
    icon: <UnorderedListOutlined />,
    roles: ['applicant', ...REVIEWERS, 'auditor', 'admin'],
    element: lazy(() => import('./pages/cases.tsx')),
  },
  {
    path: '/cases/new',
    menuKey: 'newCase',
    icon: <FileAddOutlined />,
    roles: ['applicant', 'village_reviewer'],
    element: lazy(() => import('./pages/new-application.tsx')),
  },
  {
    path: '/cases/:caseId',
    roles: CASE_ROLES,
    element: lazy(loadCaseDetail),
  },
  {
    path: '/cases/:caseId/risk-elimination',
    roles: ['applicant', 'village_reviewer'],
    element: lazy(() => import('./pages/risk-elimination/proposal-page.tsx')),
  },
  {
    path: '/cases/:caseId/notice',
    roles: ['applicant', ...REVIEWERS, 'auditor', 'admin'],
    element: lazy(() => import('./pages/notice.tsx')),
  },
  {
    path: '/dashboard',
    menuKey: 'dashboard',
    icon: <AuditOutlined />,
    roles: DASHBOARD_ROLES,
    element: lazy(loadDashboard),
  },
  {
    path: '/admin',
    menuKey: 'admin',
    icon: <SettingOutlined />,
    roles: ['admin'],
    element: lazy(() => import('./pages/admin/admin-page.tsx')),
  },
];

/** Where a role lands after signing in. */
export const HOME_BY_ROLE: Readonly<Record<Role, string>> = {
  applicant: '/cases',
  village_reviewer: '/inbox',
  township_reviewer: '/inbox',
  county_reviewer: '/inbox',
  auditor: '/dashboard',
  admin: '/admin',
};

export const pagesFor = (role: Role) => PAGES.filter((p) => p.roles.includes(role));
