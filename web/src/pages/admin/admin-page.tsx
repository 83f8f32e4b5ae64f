/**
 * The admin's pages, one tab each: the county policy, the working-day calendar, the access log. The open tab is
 * in the address (`?tab=calendar`), so a reload or a shared link opens the same one.
 */
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import AccessLogPage from './access-log-page.tsx';
import CalendarPage from './calendar-page.tsx';
import PolicyPage from './policy-page.tsx';

const TABS = ['policy', 'calendar', 'accessLog'] as const;
type Tab = (typeof TABS)[number];

export default function AdminPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = TABS.includes(asked as Tab) ? (asked as Tab) : 'policy';
  const pages: Record<Tab, () => React.ReactNode> = {
    policy: () => <PolicyPage />,
    calendar: () => <CalendarPage />,
    accessLog: () => <AccessLogPage />,
  };
  return (
    <Tabs
      activeKey={tab}
      onChange={(key) => setParams({ tab: key }, { replace: true })}
      destroyOnHidden
      items={TABS.map((key) => ({ key, label: t(`admin.tabs.${key}`), children: pages[key]() }))}
    />
  );
}
