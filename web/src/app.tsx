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
import { consoleTheme, prefersMotion } from './theme.ts';

const THEME = consoleTheme(prefersMotion());

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
