import { Button, Checkbox, Modal, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { STAGE_SPECS } from '../../../functions/core/procedure.ts';
import { combine } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Procedure, StaffMember, TaskView } from '../api/types.ts';
import { useUser } from '../auth/session.tsx';
import { ErrorAlert, errorText } from '../errors.tsx';
import { useFeedback } from '../feedback.ts';
import { INBOX_PAGE_SIZE } from '../first-load.ts';
import { useLoad } from '../hooks.ts';
import { CursorPager, useCursorPages } from '../paging.tsx';
import { daysUntil, formatDateTime } from '../time.ts';
import { headColumn, procedureColumn, stageColumn, villageColumn } from './case-columns.tsx';
import { ProcedureSelect } from './procedure.tsx';

interface Filters {
  stage?: string;
  procedure?: Procedure;
  overdue?: 'true' | 'false';
  mine: boolean;
  escalations: boolean;
}

/** A reviewer's open tasks, soonest due first: claim, release, hand over, bulk claim, cursor paging. */
export default function InboxPage() {
  const { t } = useTranslation();
  const user = useUser();
  const feedback = useFeedback();
  const [filters, setFilters] = useState<Filters>({ mine: false, escalations: false });
  const pages = useCursorPages();
  const [selected, setSelected] = useState<string[]>([]);
  const [bulk, setBulk] = useState<{ done: number; total: number; failed: string[] }>();
  const [reassigning, setReassigning] = useState<TaskView>();

  const { cursor } = pages;
  const { data, error, loading, reload } = useLoad(
    () =>
      combine(
        [
          api.listTasks({
            stage: filters.stage,
            procedure: filters.procedure,
            overdue: filters.escalations ? undefined : filters.overdue,
            mine: filters.mine ? 'true' : undefined,
            view: filters.escalations ? 'escalations' : undefined,
            cursor,
            limit: INBOX_PAGE_SIZE,
          }),
          api.health(),
        ],
        ([page, health]) => ({ ...page, now: health.now ? Date.parse(health.now) : Date.now() }),
      ),
    [filters, cursor],
  );

  const setFilter = (next: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    pages.reset();
    setSelected([]);
  };

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      feedback.success(done);
    } catch (e) {
      feedback.error(errorText(t, e));
    }
    await reload();
  };

  const claimSelected = async () => {
    const ids = [...selected];
    const state = { done: 0, total: ids.length, failed: [] as string[] };
    setBulk({ ...state });
    for (const id of ids) {
      try {
        await api.claim(id);
      } catch (e) {
        const head = data?.items.find((x) => x.taskId === id)?.headName ?? id;
        state.failed.push(t('punct.labelled', { label: head, value: errorText(t, e) }));
      }
      state.done++;
      setBulk({ ...state });
    }
    setSelected([]);
    await reload();
  };

  const stages = Object.values(STAGE_SPECS).filter((s) => s.role === user.role);
  const canEscalations = user.role !== 'village_reviewer';
  const now = data?.now ?? Date.now();

  const columns: ColumnsType<TaskView> = [
    headColumn(t, (task: TaskView) => task.headName),
    villageColumn(t),
    procedureColumn(t),
    stageColumn(t),
    { title: t('inbox.dueAt'), dataIndex: 'dueAt', render: (d: string) => formatDateTime(d) },
    {
      title: t('inbox.daysLeft'),
      key: 'days',
      render: (_, task) => {
        const days = daysUntil(task.dueAt, now);
        return task.overdue ? (
          <Typography.Text type="danger" strong data-testid="overdue">
            {t('inbox.overdueBy', { count: Math.max(0, -days) })}
          </Typography.Text>
        ) : (
          t('inbox.daysLeftValue', { count: Math.max(0, days) })
        );
      },
    },
    {
      title: t('inbox.claimedBy'),
      key: 'assignee',
      render: (_, task) =>
        task.assignee ? (
          <Tag color={task.assignee === user.sub ? 'blue' : 'default'}>
            {task.assignee === user.sub ? t('inbox.me') : (task.assigneeName ?? task.assignee)}
          </Tag>
        ) : (
          <Typography.Text type="secondary">{t('inbox.unclaimed')}</Typography.Text>
        ),
    },
    {
      title: t('inbox.actions'),
      key: 'actions',
      render: (_, task) => (
        <Space size="small">
          {task.status === 'open' ? (
            <Button size="small" onClick={() => act(() => api.claim(task.taskId), t('inbox.claimed'))}>
              {t('inbox.claim')}
            </Button>
          ) : null}
          {task.assignee === user.sub ? (
            <Button size="small" onClick={() => act(() => api.unclaim(task.taskId), t('inbox.released'))}>
              {t('inbox.unclaim')}
            </Button>
          ) : null}
          <Button size="small" onClick={() => setReassigning(task)}>
            {t('inbox.reassign')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {t('menu.inbox')}
      </Typography.Title>
      <Space wrap>
        <ProcedureSelect value={filters.procedure} onChange={(procedure) => setFilter({ procedure })} />
        <Select
          aria-label={t('inbox.stage')}
          style={{ width: 180 }}
          allowClear
          placeholder={t('inbox.allStages')}
          value={filters.stage}
          onChange={(stage) => setFilter({ stage })}
          options={stages.map((s) => ({ value: s.stage, label: t(`stage.${s.stage}`) }))}
        />
        <Select
          aria-label={t('inbox.overdueFilter')}
          style={{ width: 160 }}
          allowClear
          disabled={filters.escalations}
          placeholder={t('inbox.anyDue')}
          value={filters.overdue}
          onChange={(overdue) => setFilter({ overdue })}
          options={[
            { value: 'true', label: t('inbox.onlyOverdue') },
            { value: 'false', label: t('inbox.notOverdue') },
          ]}
        />
        <Checkbox checked={filters.mine} onChange={(e) => setFilter({ mine: e.target.checked })}>
          {t('inbox.mine')}
        </Checkbox>
        {canEscalations ? (
          <Checkbox
            checked={filters.escalations}
            onChange={(e) => setFilter({ escalations: e.target.checked })}
          >
            {t('inbox.escalations')}
          </Checkbox>
        ) : null}
        <Button onClick={() => void reload()}>{t('common.refresh')}</Button>
        <Button type="primary" disabled={!selected.length || !!bulk} onClick={() => void claimSelected()}>
          {t('inbox.claimSelected', { count: selected.length })}
        </Button>
      </Space>
      {bulk ? (
        <div role="status" aria-live="polite">
          <Progress
            percent={Math.round((bulk.done / bulk.total) * 100)}
            size="small"
            aria-label={t('inbox.bulkProgressLabel')}
          />
          <Typography.Text>{t('inbox.bulkProgress', { done: bulk.done, total: bulk.total })}</Typography.Text>
          {bulk.done === bulk.total ? (
            <>
              {bulk.failed.length ? (
                <ul>
                  {bulk.failed.map((f) => (
                    <li key={f}>
                      <Typography.Text type="danger">{f}</Typography.Text>
                    </li>
                  ))}
                </ul>
              ) : null}
              <Button size="small" type="link" onClick={() => setBulk(undefined)}>
                {t('common.close')}
              </Button>
            </>
          ) : null}
        </div>
      ) : null}
      <ErrorAlert error={error} />
      <Table<TaskView>
        rowKey="taskId"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        pagination={false}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys as string[]),
          getCheckboxProps: (task) => ({
            disabled: task.status !== 'open',
            'aria-label': task.headName ?? task.taskId,
          }),
        }}
        locale={{ emptyText: <Typography.Text type="secondary">{t('inbox.empty')}</Typography.Text> }}
      />
      <CursorPager pages={pages} nextCursor={data?.cursor} />
      {reassigning ? (
        <ReassignDialog
          task={reassigning}
          onClose={() => setReassigning(undefined)}
          onDone={() => {
            setReassigning(undefined);
            void reload();
          }}
        />
      ) : null}
    </Space>
  );
}

/** Hands a task to a colleague of the same role and jurisdiction. */
function ReassignDialog({
  task,
  onClose,
  onDone,
}: {
  task: TaskView;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const [to, setTo] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const assignees = useLoad(() => api.assignees(task.taskId), [task.taskId]);
  const options = (assignees.data?.items ?? []).map((s: StaffMember) => ({ value: s.sub, label: s.name }));
  return (
    <Modal
      open
      title={t('inbox.reassignTitle', { head: task.headName ?? task.caseId })}
      okText={t('inbox.reassign')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !to, loading: busy }}
      onCancel={onClose}
      onOk={async () => {
        if (!to) return;
        setBusy(true);
        try {
          await api.reassign(task.taskId, to);
          feedback.success(t('inbox.reassigned'));
          onDone();
        } catch (e) {
          setError(e);
          setBusy(false);
        }
      }}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <ErrorAlert error={assignees.error ?? error} />
        <Select
          aria-label={t('inbox.reassignTo')}
          style={{ width: '100%' }}
          loading={assignees.loading}
          placeholder={t('inbox.reassignTo')}
          value={to}
          onChange={setTo}
          options={options}
        />
      </Space>
    </Modal>
  );
}
