/**
 * Cases of one procedure that need someone to look at them (GET /api/reports/stuck): the cases in error first,
 * then those with no progress for `days` days, longest idle first; further pages on request.
 */
import { Button, Card, Empty, InputNumber, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Procedure } from '../../api/types.ts';
import { ErrorAlert } from '../../errors.tsx';
import { STUCK_DAYS, STUCK_PAGE_SIZE } from '../../first-load.ts';
import { formatDateTime } from '../../time.ts';
import { useReportPages } from './report-pages.ts';

interface StuckCase {
  caseId: string;
  villageCode: string;
  township: string;
  stage: string;
  status: string;
  reason: 'error' | 'no_progress';
  updatedAt: string;
  idleDays: number;
  openTaskId?: string;
  error?: { cause: string; at: string };
}

export function StuckTable({ county, procedure }: { county: string; procedure: Procedure }) {
  const { t } = useTranslation();
  const [days, setDays] = useState(STUCK_DAYS);
  const { rows, cursor, loading, error, more } = useReportPages<StuckCase>('/api/reports/stuck', {
    county,
    procedure,
    days,
    limit: STUCK_PAGE_SIZE,
  });

  return (
    <Card
      title={t('dashboard.stuck.title')}
      extra={
        <Space>
          <label htmlFor="stuck-days">{t('dashboard.stuck.days')}</label>
          <InputNumber
            id="stuck-days"
            min={1}
            max={365}
            value={days}
            onChange={(v) => v && setDays(v)}
            suffix={t('dashboard.daysUnit')}
            style={{ width: 100 }}
          />
        </Space>
      }
    >
      {error !== undefined && <ErrorAlert error={error} />}
      <Table<StuckCase>
        size="small"
        rowKey="caseId"
        loading={loading}
        dataSource={rows}
        pagination={false}
        scroll={{ y: 320 }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.stuck.none')} />,
        }}
        columns={[
          {
            title: t('dashboard.case'),
            dataIndex: 'caseId',
            render: (id: string) => <Link to={`/cases/${id}`}>{id}</Link>,
          },
          { title: t('dashboard.village'), dataIndex: 'villageCode' },
          { title: t('dashboard.stage'), dataIndex: 'stage', render: (s: string) => t(`stage.${s}`) },
          {
            title: t('dashboard.stuck.reason'),
            dataIndex: 'reason',
            render: (r: StuckCase['reason'], c) =>
              r === 'error' ? (
                <Tag color="red" title={c.error?.cause}>
                  {t('dashboard.stuck.error')}
                </Tag>
              ) : (
                <Tag>{t('dashboard.stuck.noProgress')}</Tag>
              ),
          },
          { title: t('dashboard.stuck.idleDays'), dataIndex: 'idleDays', align: 'right' },
          { title: t('dashboard.stuck.updatedAt'), dataIndex: 'updatedAt', render: formatDateTime },
          {
            title: t('dashboard.stuck.cause'),
            key: 'cause',
            ellipsis: true,
            render: (_, c) => c.error?.cause ?? '',
          },
        ]}
      />
      {cursor && (
        <Button style={{ marginTop: 8 }} loading={loading} onClick={() => void more()}>
          {t('dashboard.more')}
        </Button>
      )}
    </Card>
  );
}
