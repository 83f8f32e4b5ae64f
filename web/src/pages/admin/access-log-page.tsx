/**
 * The county's access log (GET /api/audit/access-log): every auditor read and every staff read of households'
 * personal data, newest first, filtered by days (CST) and by reader; further pages on request.
 */
import { Button, Card, DatePicker, Empty, Form, Input, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client.ts';
import { useUser } from '../../auth/session.tsx';
import { ErrorAlert } from '../../errors.tsx';
import { formatDateTime } from '../../time.ts';

interface Entry {
  at: string;
  requestId: string;
  actor: { sub: string; username: string; name: string; role: string; jurisdiction: string };
  route: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  status: number;
}

interface Filter {
  from?: string;
  to?: string;
  actor?: string;
}

interface FilterValues {
  days?: [Dayjs, Dayjs] | null;
  actor?: string;
}

const PAGE = 50;

const parameters = (e: Entry) =>
  Object.entries({ ...e.params, ...e.query })
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export default function AccessLogPage() {
  const { t } = useTranslation();
  const county = useUser().jurisdiction.slice(0, 6);
  const [filter, setFilter] = useState<Filter>({});
  const [rows, setRows] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();

  const load = useCallback(
    async (after?: string) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await request<{ items: Entry[]; cursor?: string }>('GET', '/api/audit/access-log', {
          query: { county, ...filter, limit: PAGE, cursor: after },
        });
        setRows((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.cursor);
      } catch (e) {
        setError(e);
        if (!after) setRows([]);
      } finally {
        setLoading(false);
      }
    },
    [county, filter],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const apply = ({ days, actor }: FilterValues) =>
    setFilter({
      ...(days ? { from: days[0].format('YYYY-MM-DD'), to: days[1].format('YYYY-MM-DD') } : {}),
      ...(actor?.trim() ? { actor: actor.trim() } : {}),
    });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('admin.accessLog.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('admin.accessLog.explain')}</Typography.Text>
      <Card>
        <Form<FilterValues> layout="inline" onFinish={apply}>
          <Form.Item name="days" label={t('admin.accessLog.days')}>
            <DatePicker.RangePicker id={{ start: 'access-log-from', end: 'access-log-to' }} />
          </Form.Item>
          <Form.Item name="actor" label={t('admin.accessLog.actor')}>
            <Input allowClear placeholder={t('admin.accessLog.actorHint')} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('admin.accessLog.search')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {error !== undefined && <ErrorAlert error={error} />}
      <Table<Entry>
        size="small"
        rowKey={(e) => `${e.at}#${e.requestId}`}
        loading={loading}
        dataSource={rows}
        pagination={false}
        // the header stays in view as the page scrolls: a scrolling box of its own would need a keyboard stop (axe)
        sticky
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('admin.accessLog.none')} />,
        }}
        columns={[
          { title: t('admin.accessLog.at'), dataIndex: 'at', width: 170, render: formatDateTime },
          {
            title: t('admin.accessLog.reader'),
            key: 'reader',
            width: 220,
            render: (_, e) => t('punct.inParens', { text: e.actor.name, note: e.actor.username }),
          },
          {
            title: t('admin.accessLog.role'),
            key: 'role',
            width: 110,
            render: (_, e) => t(`role.${e.actor.role}`),
          },
          { title: t('admin.accessLog.route'), dataIndex: 'route', width: 240 },
          {
            title: t('admin.accessLog.parameters'),
            key: 'parameters',
            ellipsis: true,
            render: (_, e) => parameters(e),
          },
          {
            title: t('admin.accessLog.status'),
            dataIndex: 'status',
            width: 80,
            render: (s: number) => <Tag color={s < 400 ? 'success' : 'error'}>{s}</Tag>,
          },
        ]}
      />
      {cursor && (
        <Button loading={loading} onClick={() => load(cursor)}>
          {t('admin.more')}
        </Button>
      )}
    </Space>
  );
}
