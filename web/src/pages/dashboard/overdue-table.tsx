/**
 * Open tasks of one procedure past their due date in the county (GET /api/reports/overdue), most overdue first:
 * whose desk each waits on and for how long; further pages on request.
 */
import { Button, Card, Empty, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Procedure, TaskView } from '../../api/types.ts';
import { ErrorAlert } from '../../errors.tsx';
import { formatDateTime } from '../../time.ts';
import { useReportPages } from './report-pages.ts';

const PAGE_SIZE = 20;

type OverdueTask = TaskView & { daysOver: number };

export function OverdueTable({ county, procedure }: { county: string; procedure: Procedure }) {
  const { t } = useTranslation();
  const { rows, cursor, loading, error, more } = useReportPages<OverdueTask>('/api/reports/overdue', {
    county,
    procedure,
    limit: PAGE_SIZE,
  });
  return (
    <Card title={t('dashboard.overdue.title')}>
      {error !== undefined && <ErrorAlert error={error} />}
      <Table<OverdueTask>
        size="small"
        rowKey="taskId"
        loading={loading}
        dataSource={rows}
        pagination={false}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.overdue.none')} />,
        }}
        columns={[
          {
            title: t('inbox.head'),
            key: 'head',
            render: (_, task) => (
              <Link to={`/cases/${encodeURIComponent(task.caseId)}`}>{task.headName ?? task.caseId}</Link>
            ),
          },
          { title: t('dashboard.village'), dataIndex: 'villageCode' },
          { title: t('dashboard.stage'), dataIndex: 'stage', render: (s: string) => t(`stage.${s}`) },
          { title: t('inbox.dueAt'), dataIndex: 'dueAt', render: formatDateTime },
          {
            title: t('dashboard.overdue.daysOver'),
            dataIndex: 'daysOver',
            align: 'right',
            render: (n: number) => (
              <Typography.Text type="danger">{t('inbox.overdueBy', { count: n })}</Typography.Text>
            ),
          },
          {
            title: t('inbox.claimedBy'),
            key: 'assignee',
            render: (_, task) => task.assigneeName ?? task.assignee ?? t('inbox.unclaimed'),
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
