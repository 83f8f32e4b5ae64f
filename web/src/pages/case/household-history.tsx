import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/endpoints.ts';
import type { HouseholdCase } from '../../api/types.ts';
import { ErrorAlert } from '../../errors.tsx';
import { useLoad } from '../../hooks.ts';
import { formatDate } from '../../time.ts';
import { procedureColumn } from '../case-columns.tsx';
import { StatusTag } from '../status-tag.tsx';

/**
 * The household's whole monitoring life, oldest first (`GET /api/households/{householdId}/cases`): each
 * identification and risk-elimination case of its people with where it went, so a household that fell back into
 * risk (返贫) shows its earlier cases and the way out of each. The case on screen is marked.
 */
export function HouseholdHistory({ householdId, caseId }: { householdId: string; caseId: string }) {
  const { t } = useTranslation();
  const { data, error, loading } = useLoad(() => api.householdCases(householdId), [householdId, caseId]);
  return (
    <>
      <ErrorAlert error={error} />
      <Table<HouseholdCase>
        size="small"
        rowKey="caseId"
        pagination={false}
        loading={loading}
        dataSource={data?.items ?? []}
        data-testid="household-history"
        columns={[
          {
            title: t('caseDetail.caseId'),
            key: 'case',
            render: (_, h) =>
              h.caseId === caseId ? (
                <>
                  {h.caseId} <Tag>{t('history.thisCase')}</Tag>
                </>
              ) : (
                <Link to={`/cases/${encodeURIComponent(h.caseId)}`}>{h.caseId}</Link>
              ),
          },
          procedureColumn<HouseholdCase>(t),
          {
            title: t('cases.status'),
            key: 'status',
            render: (_, h) => <StatusTag status={h.status} riskEliminatedAt={h.riskEliminatedAt} />,
          },
          { title: t('caseDetail.filedAt'), key: 'createdAt', render: (_, h) => formatDate(h.createdAt) },
          {
            title: t('caseDetail.enrolledAt'),
            key: 'enrolledAt',
            render: (_, h) => formatDate(h.enrolledAt),
          },
          { title: t('history.closedAt'), key: 'closedAt', render: (_, h) => formatDate(h.closedAt) },
        ]}
      />
    </>
  );
}
