import { Button, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CASE_STATUSES, STAGES } from '../../../schemas/domain.ts';
import { api } from '../api/endpoints.ts';
import type { CaseView, Household } from '../api/types.ts';
import { ErrorAlert } from '../errors.tsx';
import { useLoad } from '../hooks.ts';
import { formatDateTime } from '../time.ts';

const PAGE_SIZE = 20;

/** The cases in the caller's scope (an applicant: their own), filtered by status and stage, cursor paging. */
export default function CasesPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<{ status?: string; stage?: string }>({});
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const cursor = cursors[pageIndex];
  const { data, error, loading, reload } = useLoad(
    () => api.listCases({ ...filters, cursor, limit: PAGE_SIZE }),
    [filters, cursor],
  );
  const setFilter = (next: Partial<typeof filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    setCursors([undefined]);
    setPageIndex(0);
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {t('menu.cases')}
      </Typography.Title>
      <Space wrap>
        <Select
          aria-label={t('cases.status')}
          allowClear
          style={{ width: 160 }}
          placeholder={t('cases.allStatuses')}
          value={filters.status}
          onChange={(status) => setFilter({ status })}
          options={CASE_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <Select
          aria-label={t('cases.stage')}
          allowClear
          style={{ width: 180 }}
          placeholder={t('inbox.allStages')}
          value={filters.stage}
          onChange={(stage) => setFilter({ stage })}
          options={STAGES.map((s) => ({ value: s, label: t(`stage.${s}`) }))}
        />
        <Button onClick={() => void reload()}>{t('common.refresh')}</Button>
      </Space>
      <ErrorAlert error={error} />
      <Table<CaseView>
        rowKey="caseId"
        size="middle"
        loading={loading}
        pagination={false}
        dataSource={data?.items ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">{t('cases.empty')}</Typography.Text> }}
        columns={[
          {
            title: t('inbox.head'),
            key: 'head',
            render: (_, c) => (
              <Link to={`/cases/${encodeURIComponent(c.caseId)}`}>
                {(c.household as Partial<Household>).head?.name ?? c.caseId}
              </Link>
            ),
          },
          { title: t('inbox.village'), dataIndex: 'villageCode' },
          {
            title: t('cases.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag data-testid="case-row-status">{t(`status.${s}`)}</Tag>,
          },
          { title: t('cases.stage'), dataIndex: 'stage', render: (s: string) => t(`stage.${s}`) },
          {
            title: t('caseDetail.filedAt'),
            dataIndex: 'createdAt',
            render: (d: string) => formatDateTime(d),
          },
          { title: t('cases.updatedAt'), dataIndex: 'updatedAt', render: (d: string) => formatDateTime(d) },
        ]}
      />
      <Space>
        <Button disabled={pageIndex === 0} onClick={() => setPageIndex((i) => i - 1)}>
          {t('common.previous')}
        </Button>
        <Typography.Text>{t('common.pageN', { n: pageIndex + 1 })}</Typography.Text>
        <Button
          disabled={!data?.cursor}
          onClick={() => {
            setCursors((c) => [...c.slice(0, pageIndex + 1), data?.cursor]);
            setPageIndex((i) => i + 1);
          }}
        >
          {t('common.next')}
        </Button>
      </Space>
    </Space>
  );
}
