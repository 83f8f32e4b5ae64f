/**
 * The county policy (GET/PUT /api/admin/policy): the stage order and every limit, saved as the next version
 * from the version the edit started at (`expectedVersion`), so a change someone made meanwhile is shown as a
 * conflict rather than overwritten; and the policy's history, newest first.
 */
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Steps,
  Table,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VILLAGE_VOTE_RULES, type VillageVoteRule } from '../../../../functions/core/policy.ts';
import { ApiError, request } from '../../api/client.ts';
import { useUser } from '../../auth/session.tsx';
import { ErrorAlert, errorText, ruleMessage } from '../../errors.tsx';
import { formatDateTime } from '../../time.ts';

type Unit = 'working' | 'calendar';
interface Limit {
  days: number;
  unit: Unit;
}
type Order = 'standard' | 'publicity_after_village';

interface Policy {
  county: string;
  version: number;
  order: Order;
  villageVote: VillageVoteRule;
  monitoringLine: Record<string, number>;
  limits: Record<string, Limit>;
  changedBy?: { name: string; username?: string; role: string };
  changedAt?: string;
  comment?: string;
}

/** The stages of each order, as the case moves through them. */
const ORDERS: Record<Order, string[]> = {
  standard: ['village_review', 'township_verification', 'county_approval', 'publicity'],
  publicity_after_village: ['village_review', 'publicity', 'township_verification', 'county_approval'],
};

/** Limits in the order a case meets them; a limit the API adds later is listed after these. */
const LIMIT_ORDER = [
  'village_review',
  'township_verification',
  'county_approval',
  'publicity',
  'objection_review',
  'reexamination',
  'supplement',
  'wholeIdentification',
];

const limitKeys = (limits: Record<string, Limit>) => [
  ...LIMIT_ORDER.filter((k) => k in limits),
  ...Object.keys(limits).filter((k) => !LIMIT_ORDER.includes(k)),
];

/** The monitoring line per year as the form edits it: one row per year. */
interface LineRow {
  year?: number;
  line?: number;
}
const linesToRows = (lines: Record<string, number>): LineRow[] =>
  Object.entries(lines)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([year, line]) => ({ year: Number(year), line }));
const rowsToLines = (rows: LineRow[] = []): Record<string, number> =>
  Object.fromEntries(
    rows.filter((r) => r.year !== undefined && r.line !== undefined).map((r) => [String(r.year), r.line!]),
  );

interface FormValues {
  order: Order;
  villageVote: VillageVoteRule;
  monitoringLine: LineRow[];
  limits: Record<string, Limit>;
  comment?: string;
}

export default function PolicyPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const county = useUser().jurisdiction.slice(0, 6);
  const [form] = Form.useForm<FormValues>();
  const [policy, setPolicy] = useState<Policy>();
  const [loadError, setLoadError] = useState<unknown>();
  const [saveError, setSaveError] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const [history, setHistory] = useState<Policy[]>([]);
  const [historyCursor, setHistoryCursor] = useState<string>();
  const [historyLoading, setHistoryLoading] = useState(false);
  const order = Form.useWatch('order', form);

  const loadHistory = useCallback(
    async (cursor?: string) => {
      setHistoryLoading(true);
      try {
        const page = await request<{ items: Policy[]; cursor?: string }>('GET', '/api/admin/policy/history', {
          query: { county, limit: 10, cursor },
        });
        setHistory((prev) => (cursor ? [...prev, ...page.items] : page.items));
        setHistoryCursor(page.cursor);
      } catch (e) {
        message.error(errorText(t, e));
      } finally {
        setHistoryLoading(false);
      }
    },
    [county, message, t],
  );

  const load = useCallback(async () => {
    setLoadError(undefined);
    setSaveError(undefined);
    try {
      const current = await request<Policy>('GET', '/api/admin/policy', { query: { county } });
      setPolicy(current);
      form.resetFields();
      form.setFieldsValue({
        order: current.order,
        villageVote: current.villageVote,
        monitoringLine: linesToRows(current.monitoringLine ?? {}),
        limits: current.limits,
        comment: undefined,
      });
    } catch (e) {
      setLoadError(e);
    }
    await loadHistory();
  }, [county, form, loadHistory]);

  useEffect(() => {
    void load();
  }, [load]);

  async function save(values: FormValues) {
    if (!policy) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = await request<Policy>('PUT', '/api/admin/policy', {
        body: {
          county,
          order: values.order,
          villageVote: values.villageVote,
          monitoringLine: rowsToLines(values.monitoringLine),
          limits: values.limits,
          expectedVersion: policy.version,
          ...(values.comment?.trim() ? { comment: values.comment.trim() } : {}),
        },
      });
      setPolicy(saved);
      form.setFieldsValue({ comment: undefined });
      message.success(t('admin.policy.saved', { version: saved.version }));
      await loadHistory();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setSaveError(e);
      // each field the API names gets its rule under the field itself
      form.setFields(
        e.details
          .filter((d) => d.path !== 'expectedVersion')
          .map((d) => ({
            name: d.path.split('.') as ['limits', string, 'days'],
            errors: [ruleMessage(t, d)],
          })),
      );
    } finally {
      setSaving(false);
    }
  }

  const stale = saveError?.status === 409 && saveError.details.some((d) => d.path === 'expectedVersion');
  const stageName = (s: string) => t(`stage.${s}`);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('admin.policy.title')}
      </Typography.Title>
      {loadError !== undefined && <ErrorAlert error={loadError} />}
      {policy && (
        <Card>
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('admin.county')}>{policy.county}</Descriptions.Item>
            <Descriptions.Item label={t('admin.policy.version')}>
              {policy.version === 0 ? t('admin.policy.defaults') : policy.version}
            </Descriptions.Item>
            <Descriptions.Item label={t('admin.changed')}>
              {policy.changedAt
                ? `${formatDateTime(policy.changedAt)} · ${policy.changedBy?.name ?? ''}`
                : '—'}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 16 }}>
            {t('admin.policy.newCasesOnly')}
          </Typography.Paragraph>
          {stale && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('admin.policy.conflict')}
              description={errorText(t, saveError)}
              action={<Button onClick={load}>{t('admin.policy.reload')}</Button>}
            />
          )}
          {saveError && !stale && (
            <Alert type="error" showIcon style={{ marginBottom: 16 }} title={errorText(t, saveError)} />
          )}
          <Form<FormValues> form={form} layout="horizontal" labelCol={{ span: 6 }} onFinish={save}>
            <Form.Item name="order" label={t('admin.policy.order')} rules={[{ required: true }]}>
              <Radio.Group>
                {(Object.keys(ORDERS) as Order[]).map((o) => (
                  <Radio key={o} value={o}>
                    {t(`admin.policy.orders.${o}`)}
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
            <Form.Item name="villageVote" label={t('admin.policy.villageVote')} rules={[{ required: true }]}>
              <Radio.Group>
                {VILLAGE_VOTE_RULES.map((r) => (
                  <Radio key={r} value={r}>
                    {t(`admin.policy.villageVotes.${r}`)}
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
            <Form.Item label={t('admin.policy.flow')}>
              <Steps
                size="small"
                current={-1}
                items={(ORDERS[order ?? policy.order] ?? []).map((s) => ({ title: stageName(s) }))}
              />
            </Form.Item>
            {limitKeys(policy.limits).map((key) => (
              <Form.Item key={key} label={t(`admin.policy.limits.${key}`, { defaultValue: key })} required>
                <Space.Compact>
                  <Form.Item
                    name={['limits', key, 'days']}
                    noStyle
                    rules={[{ required: true, message: t('admin.policy.daysRequired') }]}
                  >
                    <InputNumber
                      min={1}
                      max={60}
                      precision={0}
                      aria-label={`${t(`admin.policy.limits.${key}`, { defaultValue: key })} ${t('admin.policy.days')}`}
                    />
                  </Form.Item>
                  <Form.Item name={['limits', key, 'unit']} noStyle>
                    <Select
                      style={{ width: 120 }}
                      aria-label={`${t(`admin.policy.limits.${key}`, { defaultValue: key })} ${t('admin.policy.unit')}`}
                      options={(['working', 'calendar'] as const).map((u) => ({
                        value: u,
                        label: t(`admin.policy.units.${u}`),
                      }))}
                    />
                  </Form.Item>
                </Space.Compact>
              </Form.Item>
            ))}
            <Form.Item label={t('admin.policy.monitoringLine')} extra={t('admin.policy.monitoringLineHint')}>
              <Form.List name="monitoringLine">
                {(rows, { add, remove }) => (
                  <Space orientation="vertical">
                    {rows.map((row) => (
                      <Space.Compact key={row.key}>
                        <Form.Item name={[row.name, 'year']} noStyle rules={[{ required: true }]}>
                          <InputNumber
                            min={2000}
                            max={2099}
                            precision={0}
                            aria-label={t('admin.policy.lineYear')}
                            placeholder={t('admin.policy.lineYear')}
                          />
                        </Form.Item>
                        <Form.Item name={[row.name, 'line']} noStyle rules={[{ required: true }]}>
                          <InputNumber
                            min={1}
                            max={1_000_000}
                            style={{ width: 180 }}
                            aria-label={t('admin.policy.lineAmount')}
                            placeholder={t('admin.policy.lineAmount')}
                            suffix={t('admin.policy.yuanPerPerson')}
                          />
                        </Form.Item>
                        <Button onClick={() => remove(row.name)}>{t('admin.policy.removeLine')}</Button>
                      </Space.Compact>
                    ))}
                    <Button onClick={() => add({ year: new Date().getFullYear() })}>
                      {t('admin.policy.addLine')}
                    </Button>
                  </Space>
                )}
              </Form.List>
            </Form.Item>
            <Form.Item name="comment" label={t('admin.comment')}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('admin.policy.commentHint')} />
            </Form.Item>
            <Form.Item wrapperCol={{ offset: 6 }}>
              <Space>
                <Button type="primary" htmlType="submit" loading={saving}>
                  {t('admin.policy.save')}
                </Button>
                <Button onClick={load}>{t('admin.policy.reload')}</Button>
              </Space>
            </Form.Item>
          </Form>
        </Card>
      )}
      <Card title={t('admin.policy.history')}>
        <Table<Policy>
          size="small"
          rowKey="version"
          loading={historyLoading}
          dataSource={history}
          pagination={false}
          locale={{
            emptyText: (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('admin.policy.noHistory')} />
            ),
          }}
          columns={[
            { title: t('admin.policy.version'), dataIndex: 'version', width: 70 },
            {
              title: t('admin.changed'),
              key: 'changed',
              render: (_, p) =>
                p.changedAt ? `${formatDateTime(p.changedAt)} · ${p.changedBy?.name ?? ''}` : '',
            },
            {
              title: t('admin.policy.order'),
              dataIndex: 'order',
              render: (o: Order) => t(`admin.policy.orders.${o}`),
            },
            {
              title: t('admin.policy.limitsColumn'),
              key: 'limits',
              render: (_, p) =>
                limitKeys(p.limits)
                  .map(
                    (k) =>
                      `${t(`admin.policy.limits.${k}`, { defaultValue: k })} ${p.limits[k]!.days}${t(`admin.policy.unitsShort.${p.limits[k]!.unit}`)}`,
                  )
                  .join(t('punct.clauseSep')),
            },
            { title: t('admin.comment'), dataIndex: 'comment' },
          ]}
        />
        {historyCursor && (
          <Button
            style={{ marginTop: 8 }}
            loading={historyLoading}
            onClick={() => loadHistory(historyCursor)}
          >
            {t('admin.more')}
          </Button>
        )}
      </Card>
    </Space>
  );
}
