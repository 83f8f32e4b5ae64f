import { App as AntApp, ConfigProvider, Result } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, HashRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { SessionProvider, useSession } from './auth/session.tsx';
import { AppLayout } from './layout/app-layout.tsx';
import LoginPage from './pages/login.tsx';
import { ChunkPage, HOME_BY_ROLE, pagesFor } from './routes.tsx';
import { routingOf } from './routing.ts';

/**
 * Government-console blue. Every colour text is drawn in passes WCAG AA contrast (axe): antd's hover and active
 * blues are lighter than the primary (white on them fails), its tertiary text (description labels) and its success
 * green (tag text on its pale background) are too light, so each is set darker here.
 */
const THEME = {
  token: {
    colorPrimary: '#1d4ed8',
    colorPrimaryHover: '#1e40af',
    colorPrimaryActive: '#1e3a8a',
    colorLink: '#1d4ed8',
    colorLinkHover: '#1e40af',
    colorLinkActive: '#1e3a8a',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorSuccess: '#237804',
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorError: '#cf1322',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    // a user who asks the system for reduced motion gets no transitions (toasts, dialogs, tabs appear at once)
    motion: !window.matchMedia('(prefers-reduced-motion: reduce)').matches,
  },
};

function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title="404" subTitle={t('common.notFound')} />;
}

/** Signed out: every page but login redirects there, remembering where the user was going. */
function SignedInRoutes() {
  const { user } = useSession();
  const location = useLocation();
  if (!user) {
    const from = location.pathname === '/' ? '' : `?from=${encodeURIComponent(location.pathname)}`;
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to={`/login${from}`} replace />} />
      </Routes>
    );
  }
  return (
    <Routes>
      <Route path="/login" element={<Navigate to={HOME_BY_ROLE[user.role]} replace />} />
      <Route element={<AppLayout />}>
        <Route index element={<Navigate to={HOME_BY_ROLE[user.role]} replace />} />
        {pagesFor(user.role).map((p) => (
          <Route key={p.path} path={p.path} element={<ChunkPage chunk={p.chunk} />} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** Routes in the path, or after `#` where the deployment says its host needs it (web/src/routing.ts). */
const Router = routingOf(document) === 'hash' ? HashRouter : BrowserRouter;

/** Providers (Ant Design locale, session) and the router. */
export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={THEME}>
      <AntApp>
        <SessionProvider>
          <Router>
            <SignedInRoutes />
          </Router>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
