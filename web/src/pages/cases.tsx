import { Button, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_STATUSES, type Procedure, STAGES } from '../../../schemas/domain.ts';
import { api } from '../api/endpoints.ts';
import type { CaseView, Household } from '../api/types.ts';
import { ErrorAlert } from '../errors.tsx';
import { useLoad } from '../hooks.ts';
import { CursorPager, useCursorPages } from '../paging.tsx';
import { formatDateTime } from '../time.ts';
import { headColumn, procedureColumn, stageColumn, villageColumn } from './case-columns.tsx';
import { ProcedureSelect } from './procedure.tsx';
import { StatusTag } from './status-tag.tsx';

const PAGE_SIZE = 20;

/** The cases in the caller's scope (an applicant: their own), filtered by procedure, status and stage, cursor paging. */
export default function CasesPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<{ procedure?: Procedure; status?: string; stage?: string }>({});
  const pages = useCursorPages();
  const { cursor } = pages;
  const { data, error, loading, reload } = useLoad(
    () => api.listCases({ ...filters, cursor, limit: PAGE_SIZE }),
    [filters, cursor],
  );
  const setFilter = (next: Partial<typeof filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    pages.reset();
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {t('menu.cases')}
      </Typography.Title>
      <Space wrap>
        <ProcedureSelect value={filters.procedure} onChange={(procedure) => setFilter({ procedure })} />
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
          headColumn(t, (c: CaseView) => (c.household as Partial<Household>).head?.name),
          villageColumn(t),
          procedureColumn(t),
          {
            title: t('cases.status'),
            key: 'status',
            render: (_, c) => (
              <StatusTag status={c.status} riskEliminatedAt={c.riskEliminatedAt} testId="case-row-status" />
            ),
          },
          stageColumn(t),
          {
            title: t('caseDetail.filedAt'),
            dataIndex: 'createdAt',
            render: (d: string) => formatDateTime(d),
          },
          { title: t('cases.updatedAt'), dataIndex: 'updatedAt', render: (d: string) => formatDateTime(d) },
        ]}
      />
      <CursorPager pages={pages} nextCursor={data?.cursor} />
    </Space>
  );
}
