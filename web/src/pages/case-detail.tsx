import { Button, Card, Col, Descriptions, Row, Space, Spin, Tag, Typography } from 'antd';
import { useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { combine, optional, ready } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { CaseDetail, Household, ObjectionView, TaskView } from '../api/types.ts';
import { useUser } from '../auth/session.tsx';
import { ErrorAlert } from '../errors.tsx';
import { useLoad } from '../hooks.ts';
import { formatDateTime } from '../time.ts';
import { CaseActions } from './case/case-actions.tsx';
import { DecisionForm } from './case/decision-form.tsx';
import { EvidencePanel } from './case/evidence.tsx';
import { HouseholdPanel } from './case/household.tsx';
import { HouseholdHistory } from './case/household-history.tsx';
import { MeasuresPanel } from './case/measures.tsx';
import { StageDiagram } from './case/stage-diagram.tsx';
import { CaseTimeline } from './case/timeline.tsx';
import { StatusTag } from './status-tag.tsx';

const REVIEWER_ROLES = ['village_reviewer', 'township_reviewer', 'county_reviewer'];

/** Everything about one case, and for the reviewer whose task it is, the stage's decision form. */
export default function CaseDetailPage() {
  const { t } = useTranslation();
  const user = useUser();
  const { caseId = '' } = useParams();
  // The case (with its timeline) shows as soon as it arrives; its chain badge and task follow.
  const loaded = useLoad(
    (): Promise<CaseDetail & { objections?: ObjectionView[] }> => api.getCase(caseId),
    [caseId],
  );
  const c = loaded.data;
  const taskId = c?.openTaskId && REVIEWER_ROLES.includes(user.role) ? c.openTaskId : undefined;
  // Each version of the case: its chain, and the open task (a claim or a decision moves the version).
  const extras = useLoad(
    () =>
      c
        ? combine(
            [optional(api.audit(caseId)), taskId ? optional(api.getTask(taskId)) : ready(undefined)],
            ([audit, task]) => ({ chain: audit?.chain, task }),
          )
        : ready(undefined),
    [caseId, taskId, c?.version],
  );
  // What has tables or a form (members, household history, measures, the decision form) first mounts just after
  // the case and its timeline are drawn: each table measures the page's layout as it mounts.
  const painted = useDeferredValue(c !== undefined, false);
  const reload = loaded.reload;

  if (loaded.error) return <ErrorAlert error={loaded.error} />;
  if (!c) return <Spin description={t('common.loading')} spinning={loaded.loading} />;
  const { chain, task } = extras.data ?? {};
  const household = c.household as Partial<Household>;
  const myTask: TaskView | undefined =
    task &&
    task.role === user.role &&
    task.status !== 'done' &&
    (!task.assignee || task.assignee === user.sub)
      ? task
      : undefined;

  return (
    // busy until its tables and form are drawn too (assistive technology, and the tests, wait for them)
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} aria-busy={!painted}>
      <Space align="center" wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }} data-testid="case-title">
          {t(`procedure.${c.procedure}`)} · {household.head?.name} · {c.villageCode}
        </Typography.Title>
        <StatusTag status={c.status} riskEliminatedAt={c.riskEliminatedAt} testId="case-status" />
        {chain ? (
          <Tag color={chain.valid ? 'success' : 'error'} data-testid="chain-badge">
            {chain.valid
              ? t('caseDetail.chainValid', { length: chain.length })
              : t('caseDetail.chainBroken', { at: chain.brokenAt })}
          </Tag>
        ) : null}
        {c.publicityEndsAt ? (
          <Link to={`/cases/${encodeURIComponent(c.caseId)}/notice`}>{t('caseDetail.notice')}</Link>
        ) : null}
        <Button onClick={() => void reload()} loading={loaded.loading}>
          {t('common.refresh')}
        </Button>
      </Space>
      <Card size="small" title={t('caseDetail.stagesOf', { procedure: t(`procedure.${c.procedure}`) })}>
        <StageDiagram c={c} />
      </Card>
      <CaseActions c={c} user={user} onChanged={() => void reload()} />
      {task && !myTask && task.status !== 'done' && REVIEWER_ROLES.includes(user.role) ? (
        <Typography.Text type="secondary" data-testid="task-owner">
          {task.assignee
            ? t('caseDetail.claimedBy', { name: task.assigneeName ?? task.assignee })
            : t('caseDetail.taskOf', { role: t(`role.${task.role}`) })}
        </Typography.Text>
      ) : null}
      <Row gutter={16}>
        <Col span={myTask ? 14 : 24}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Card size="small" title={t('caseDetail.case')}>
              <Descriptions size="small" column={3}>
                <Descriptions.Item label={t('caseDetail.caseId')}>{c.caseId}</Descriptions.Item>
                <Descriptions.Item label={t('caseDetail.stage')}>{t(`stage.${c.stage}`)}</Descriptions.Item>
                <Descriptions.Item label={t('caseDetail.filedAt')}>
                  {formatDateTime(c.createdAt)}
                </Descriptions.Item>
                {c.publicityEndsAt ? (
                  <Descriptions.Item label={t('caseDetail.publicityEndsAt')}>
                    {formatDateTime(c.publicityEndsAt)}
                  </Descriptions.Item>
                ) : null}
                {c.riskFoundAt ? (
                  <Descriptions.Item label={t('caseDetail.riskFoundAt')}>{c.riskFoundAt}</Descriptions.Item>
                ) : null}
                {c.enrolledAt ? (
                  <Descriptions.Item label={t('caseDetail.enrolledAt')}>
                    {formatDateTime(c.enrolledAt)}
                  </Descriptions.Item>
                ) : null}
                {c.riskEliminatedAt ? (
                  <Descriptions.Item label={t('caseDetail.riskEliminatedAt')}>
                    {formatDateTime(c.riskEliminatedAt)}
                  </Descriptions.Item>
                ) : null}
                {c.openProposalId ? (
                  <Descriptions.Item label={t('caseDetail.openProposal')}>
                    <Link to={`/cases/${encodeURIComponent(c.openProposalId)}`} data-testid="proposal-link">
                      {c.openProposalId}
                    </Link>
                  </Descriptions.Item>
                ) : null}
                {c.enrolledCaseId ? (
                  <Descriptions.Item label={t('caseDetail.enrolledCase')}>
                    <Link
                      to={`/cases/${encodeURIComponent(c.enrolledCaseId)}`}
                      data-testid="enrolled-case-link"
                    >
                      {c.enrolledCaseId}
                    </Link>
                  </Descriptions.Item>
                ) : null}
                {c.previousCaseIds?.length ? (
                  <Descriptions.Item label={t('caseDetail.previousCases')}>
                    <Space size={4} wrap>
                      {c.previousCaseIds.map((id) => (
                        <Link key={id} to={`/cases/${encodeURIComponent(id)}`}>
                          {id}
                        </Link>
                      ))}
                    </Space>
                  </Descriptions.Item>
                ) : null}
                {task ? (
                  <Descriptions.Item label={t('caseDetail.dueAt')}>
                    {formatDateTime(task.dueAt)}
                  </Descriptions.Item>
                ) : null}
              </Descriptions>
            </Card>
            {c.evidence ? (
              <Card size="small" title={t('proposal.evidence')}>
                <EvidencePanel evidence={c.evidence} />
              </Card>
            ) : null}
            <Card size="small" title={t('caseDetail.household')}>
              <HouseholdPanel household={household} aboveLine={c.aboveMonitoringLine} withMembers={painted} />
            </Card>
            {painted &&
            c.procedure === 'identification' &&
            (c.status === 'enrolled' || c.status === 'risk_eliminated') ? (
              <Card size="small" title={t('measures.title')}>
                <MeasuresPanel c={c} user={user} onChanged={() => void reload()} />
              </Card>
            ) : null}
            {painted && c.householdId ? (
              <Card size="small" title={t('history.title')}>
                <HouseholdHistory householdId={c.householdId} caseId={c.caseId} />
              </Card>
            ) : null}
            {c.objections?.length ? (
              <Card size="small" title={t('caseDetail.objections')}>
                <ul style={{ margin: 0, padding: 0, listStyle: 'none' }}>
                  {[...c.objections]
                    .sort((a, b) => a.filedAt.localeCompare(b.filedAt))
                    .map((o) => (
                      <li key={o.objectionId} style={{ padding: '4px 0' }}>
                        <Tag>{t(`objectionStatus.${o.status}`)}</Tag>
                        {formatDateTime(o.filedAt)}{' '}
                        {t('punct.labelled', { label: o.objectorName, value: o.content })}
                      </li>
                    ))}
                </ul>
              </Card>
            ) : null}
            <Card size="small" title={t('caseDetail.timeline')}>
              <CaseTimeline records={c.timeline} />
            </Card>
          </Space>
        </Col>
        {myTask ? (
          <Col span={10}>
            {painted ? (
              <DecisionForm task={myTask} procedure={c.procedure} onDecided={() => void reload()} />
            ) : null}
          </Col>
        ) : null}
      </Row>
    </Space>
  );
}
