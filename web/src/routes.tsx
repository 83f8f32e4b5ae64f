import {
  AuditOutlined,
  FileAddOutlined,
  InboxOutlined,
  SettingOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { type ReactNode, use } from 'react';
import type { Role } from './api/types.ts';
import {
  CASE_DETAIL_CHUNK,
  CASE_ROLES,
  DASHBOARD_CHUNK,
  DASHBOARD_ROLES,
  INBOX_CHUNK,
  INBOX_ROLES,
  REVIEWERS,
} from './first-load.ts';
import { type PageChunk, pageChunk } from './page-chunk.ts';

/** A page of the console: its path, who sees it in the menu and may open it, and its menu label key. */
export interface PageDef {
  path: string;
  menuKey?: 'inbox' | 'cases' | 'newCase' | 'dashboard' | 'admin';
  icon?: ReactNode;
  roles: readonly Role[];
  chunk: PageChunk;
}

/**
 * A page drawn from its chunk: at once when the chunk has arrived (the boot fetches a deep link's early), else
 * suspended until it does. React.lazy would suspend on its first render whatever, one more commit and layout of the
 * whole frame before the page.
 */
export function ChunkPage({ chunk }: { chunk: PageChunk }) {
  const Page = (chunk.loaded ?? use(chunk.load())).default;
  return <Page />;
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
    chunk: INBOX_CHUNK,
  },
  {
    path: '/cases',
    menuKey: 'cases',
    icon: <UnorderedListOutlined />,
    roles: ['applicant', ...REVIEWERS, 'auditor', 'admin'],
    chunk: pageChunk(() => import('./pages/cases.tsx')),
  },
  {
    path: '/cases/new',
    menuKey: 'newCase',
    icon: <FileAddOutlined />,
    roles: ['applicant', 'village_reviewer'],
    chunk: pageChunk(() => import('./pages/new-application.tsx')),
  },
  {
    path: '/cases/:caseId',
    roles: CASE_ROLES,
    chunk: CASE_DETAIL_CHUNK,
  },
  {
    path: '/cases/:caseId/risk-elimination',
    roles: ['applicant', 'village_reviewer'],
    chunk: pageChunk(() => import('./pages/risk-elimination/proposal-page.tsx')),
  },
  {
    path: '/cases/:caseId/notice',
    roles: ['applicant', ...REVIEWERS, 'auditor', 'admin'],
    chunk: pageChunk(() => import('./pages/notice.tsx')),
  },
  {
    path: '/dashboard',
    menuKey: 'dashboard',
    icon: <AuditOutlined />,
    roles: DASHBOARD_ROLES,
    chunk: DASHBOARD_CHUNK,
  },
  {
    path: '/admin',
    menuKey: 'admin',
    icon: <SettingOutlined />,
    roles: ['admin'],
    chunk: pageChunk(() => import('./pages/admin/admin-page.tsx')),
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
