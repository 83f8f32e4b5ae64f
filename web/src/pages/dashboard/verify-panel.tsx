/**
 * The county chain verification (POST /api/audit/verify): a walk over every case of the county, a batch of
 * cases per call, each call continuing from the cursor the last one answered, until the API says `complete`.
 * Shows how many cases are checked so far, the broken chains as they come, and can be stopped between calls.
 */
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Progress, Space, Statistic, Table, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CountyVerification as Verification } from '../../../../schemas/records.ts';
import { request } from '../../api/client.ts';
import { errorText } from '../../errors.tsx';

/** Cases one call checks: small enough that the count moves every second or two on a large county. */
export const VERIFY_BATCH = 200;

interface Walk {
  state: 'idle' | 'running' | 'done' | 'stopped' | 'failed';
  checked: number;
  valid: number;
  calls: number;
  broken: Verification['broken'];
  error?: unknown;
}

const IDLE: Walk = { state: 'idle', checked: 0, valid: 0, calls: 0, broken: [] };

export function VerifyPanel({ county }: { county: string }) {
  const { t } = useTranslation();
  const [walk, setWalk] = useState<Walk>(IDLE);
  const stop = useRef(false);

  async function run() {
    stop.current = false;
    let acc: Walk = { ...IDLE, state: 'running' };
    setWalk(acc);
    let cursor: string | undefined;
    try {
      do {
        const page = await request<Verification>('POST', '/api/audit/verify', {
          query: { county, limit: VERIFY_BATCH, cursor },
        });
        acc = {
          ...acc,
          checked: acc.checked + page.checked,
          valid: acc.valid + page.valid,
          calls: acc.calls + 1,
          broken: [...acc.broken, ...page.broken],
        };
        cursor = page.complete ? undefined : page.cursor;
        setWalk(acc);
      } while (cursor && !stop.current);
      setWalk({ ...acc, state: cursor ? 'stopped' : 'done' });
    } catch (error) {
      setWalk({ ...acc, state: 'failed', error });
    }
  }

  const running = walk.state === 'running';
  return (
    <Card
      title={t('dashboard.verify.title')}
      extra={
        running ? (
          <Button onClick={() => (stop.current = true)}>{t('dashboard.verify.stop')}</Button>
        ) : (
          <Button type="primary" icon={<SafetyCertificateOutlined />} onClick={run}>
            {t(walk.state === 'idle' ? 'dashboard.verify.start' : 'dashboard.verify.again')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('dashboard.verify.explain')}</Typography.Paragraph>
      {walk.state !== 'idle' && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Progress
            percent={running ? 99 : 100}
            showInfo={!running}
            status={
              running ? 'active' : walk.state === 'failed' || walk.broken.length ? 'exception' : 'success'
            }
            aria-label={t('dashboard.verify.progress')}
          />
          <div role="status" aria-live="polite">
            <Space size="large">
              <Statistic title={t('dashboard.verify.checked')} value={walk.checked} />
              <Statistic title={t('dashboard.verify.valid')} value={walk.valid} />
              <Statistic
                title={t('dashboard.verify.broken')}
                value={walk.broken.length}
                styles={walk.broken.length ? { content: { color: '#cf1322' } } : undefined}
              />
              <Statistic title={t('dashboard.verify.calls')} value={walk.calls} />
            </Space>
          </div>
          {walk.state === 'done' && (
            <Alert
              type={walk.broken.length ? 'error' : 'success'}
              showIcon
              title={t(walk.broken.length ? 'dashboard.verify.doneBroken' : 'dashboard.verify.doneValid', {
                checked: walk.checked,
                broken: walk.broken.length,
              })}
            />
          )}
          {walk.state === 'stopped' && (
            <Alert type="warning" showIcon title={t('dashboard.verify.stopped', { checked: walk.checked })} />
          )}
          {walk.state === 'failed' && (
            <Alert
              type="error"
              showIcon
              title={t('dashboard.verify.failed')}
              description={errorText(t, walk.error)}
            />
          )}
          {walk.broken.length > 0 && (
            <Table
              size="small"
              rowKey="caseId"
              pagination={{ pageSize: 10 }}
              dataSource={walk.broken}
              columns={[
                { title: t('dashboard.case'), dataIndex: 'caseId' },
                { title: t('dashboard.verify.brokenAt'), dataIndex: 'brokenAt' },
                {
                  title: t('dashboard.verify.reason'),
                  dataIndex: 'reason',
                  render: (r: string) => t(`dashboard.verify.reasons.${r}`, { defaultValue: r }),
                },
              ]}
            />
          )}
        </Space>
      )}
    </Card>
  );
}
