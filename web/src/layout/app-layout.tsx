import { LogoutOutlined, TranslationOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { useSession, useUser } from '../auth/session.tsx';
import { type Language, setLanguage } from '../i18n/index.ts';
import { pagesFor } from '../routes.tsx';

/** The frame of every signed-in page: the role's menu on the left, who is signed in and where, sign-out. */
export function AppLayout() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const { signOut } = useSession();
  const location = useLocation();
  const items = pagesFor(user.role)
    .filter((p) => p.menuKey)
    .map((p) => ({ key: p.path, icon: p.icon, label: <Link to={p.path}>{t(`menu.${p.menuKey}`)}</Link> }));
  // The longest menu path the location starts with is the selected item (/cases/new over /cases).
  const selected = items
    .map((i) => i.key)
    .filter((k) => location.pathname === k || location.pathname.startsWith(`${k}/`))
    .sort((a, b) => b.length - a.length)[0];
  const other: Language = i18n.language === 'en' ? 'zh-CN' : 'en';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={64}>
        <div style={{ padding: '16px 12px', fontWeight: 600 }}>{t('app.short')}</div>
        <nav aria-label={t('app.short')}>
          <Menu mode="inline" selectedKeys={selected ? [selected] : []} items={items} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Typography.Title level={1} style={{ fontSize: 18, margin: 0 }}>
            {t('app.title')}
          </Typography.Title>
          <Space size="middle">
            <span data-testid="session-user">
              <UserOutlined /> {user.name}
            </span>
            <Tag color="blue" data-testid="session-role">
              {t(`role.${user.role}`)}
            </Tag>
            <span data-testid="session-jurisdiction">
              {t('punct.labelled', { label: t('session.jurisdiction'), value: user.jurisdiction })}
            </span>
            <Button icon={<TranslationOutlined />} onClick={() => setLanguage(other)}>
              {t('session.language')}
            </Button>
            <Button icon={<LogoutOutlined />} onClick={signOut}>
              {t('session.signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Suspense fallback={<Spin description={t('common.loading')} />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
