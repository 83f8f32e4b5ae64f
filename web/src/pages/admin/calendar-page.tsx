/**
 * The county's working-day calendar (GET/PUT /api/admin/calendar): one year of the official holiday schedule
 * with the county's own days off and make-up working days on top. A year the official schedule does not cover
 * yet is said so plainly; the admin sets a date as a working day or a day off, or drops the county's entry.
 */
import {
  Alert,
  App,
  Badge,
  Button,
  Calendar,
  Card,
  Col,
  Empty,
  Form,
  Input,
  Popconfirm,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalendarDay, CalendarView } from '../../../../schemas/admin.ts';
import { request } from '../../api/client.ts';
import { useUser } from '../../auth/session.tsx';
import { ErrorAlert, errorText } from '../../errors.tsx';
import { DateField } from '../../fields.tsx';
import { dayjs, formatDateTime } from '../../time.ts';
import { useServerNow } from '../dashboard/server-now.ts';

type Kind = CalendarDay['kind'];

/** What the admin sets a date to: a working day, a day off, or back to the official schedule. */
type Setting = 'working' | 'off' | 'official';

const SETTING_VALUE: Record<Setting, boolean | null> = { working: true, off: false, official: null };

const KIND_COLOURS: Record<Kind, string> = {
  holiday: 'red',
  rest_day: 'magenta',
  make_up_workday: 'blue',
  workday: 'geekblue',
};

interface EditValues {
  date: Dayjs;
  setting: Setting;
  comment?: string;
}

export default function CalendarPage() {
  const { t } = useTranslation();
  /** The official schedule names its holidays in Chinese (国庆节): each has its name in the console's language. */
  const holidayName = (name?: string) =>
    name ? t(`admin.calendar.holidays.${name}`, { defaultValue: name }) : '';
  const { message } = App.useApp();
  const user = useUser();
  const county = user.jurisdiction.slice(0, 6);
  const canEdit = user.role === 'admin';
  const now = useServerNow();
  const [chosenYear, setYear] = useState<number>();
  const year = chosenYear ?? now?.year();
  const [view, setView] = useState<CalendarView>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<EditValues>();

  const load = useCallback(async () => {
    if (year === undefined) return;
    setLoading(true);
    setError(undefined);
    try {
      setView(await request<CalendarView>('GET', '/api/admin/calendar', { query: { county, year } }));
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [county, year]);

  useEffect(() => {
    void load();
  }, [load]);

  const byDate = useMemo(() => new Map(view?.days.map((d) => [d.date, d]) ?? []), [view]);

  async function change(dates: Record<string, boolean | null>, comment?: string) {
    setSaving(true);
    try {
      await request('PUT', '/api/admin/calendar', {
        body: { county, dates, ...(comment?.trim() ? { comment: comment.trim() } : {}) },
      });
      message.success(t('admin.calendar.saved', { dates: Object.keys(dates).join(t('punct.listSep')) }));
      await load();
      return true;
    } catch (e) {
      message.error(errorText(t, e));
      return false;
    } finally {
      setSaving(false);
    }
  }

  async function submit(values: EditValues) {
    const date = values.date.format('YYYY-MM-DD');
    if (await change({ [date]: SETTING_VALUE[values.setting] }, values.comment)) {
      form.resetFields(['comment']);
    }
  }

  const [picked, setPicked] = useState<Dayjs>();
  const shown =
    picked ?? (year === undefined ? undefined : now?.year() === year ? now : dayjs(`${year}-01-01`));
  /** Shows `d` in the calendar (and its year's days); with `edit`, also puts it in the form. */
  const show = (d: Dayjs, edit = false) => {
    setPicked(d);
    if (edit) form.setFieldsValue({ date: d });
    if (d.year() !== year) setYear(d.year());
  };
  const years = now ? [-2, -1, 0, 1, 2].map((k) => now.year() + k) : [];

  const kindTag = (d: CalendarDay) => (
    <Tag color={KIND_COLOURS[d.kind]}>{t(`admin.calendar.kinds.${d.kind}`)}</Tag>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('admin.calendar.title')}
      </Typography.Title>
      <Space>
        <label htmlFor="calendar-year">{t('admin.calendar.year')}</label>
        <Select
          id="calendar-year"
          style={{ width: 120 }}
          value={year}
          onChange={(y: number) => show(dayjs(`${y}-01-01`))}
          options={years.map((y) => ({ value: y, label: String(y) }))}
        />
      </Space>
      {error !== undefined && <ErrorAlert error={error} />}
      {view && !view.coverage.official && (
        <Alert
          type="warning"
          showIcon
          title={t('admin.calendar.noOfficial', { year: view.year })}
          description={t('admin.calendar.noOfficialHint')}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col span={10}>
          <Card loading={loading && !view}>
            <Calendar
              fullscreen={false}
              value={shown}
              onSelect={(d) => show(d, true)}
              onPanelChange={(d) => show(d)}
              // the year is chosen above; antd's own header has two unlabelled selects
              headerRender={({ value, onChange }) => (
                <Space style={{ padding: 8 }}>
                  <label htmlFor="calendar-month">{t('admin.calendar.month')}</label>
                  <Select
                    id="calendar-month"
                    style={{ width: 100 }}
                    value={value.month()}
                    onChange={(m: number) => onChange(value.month(m))}
                    options={Array.from({ length: 12 }, (_, m) => ({
                      value: m,
                      label: value.month(m).format('MMMM'),
                    }))}
                  />
                </Space>
              )}
              fullCellRender={(d, info) => {
                if (info.type !== 'date') return info.originNode;
                const day = byDate.get(d.format('YYYY-MM-DD'));
                // days of the months before and after: antd's grey for them is too pale for WCAG AA
                const outside = shown && !d.isSame(shown, 'month');
                return (
                  <div className="ant-picker-cell-inner ant-picker-calendar-date">
                    <div
                      className="ant-picker-calendar-date-value"
                      style={outside ? { color: 'rgba(0, 0, 0, 0.55)' } : undefined}
                    >
                      {day ? (
                        <Badge
                          dot
                          color={day.working ? '#1677ff' : '#f5222d'}
                          title={`${holidayName(day.name)} ${t(`admin.calendar.kinds.${day.kind}`)}`}
                        >
                          <span style={{ color: day.working ? undefined : '#cf1322' }}>{d.date()}</span>
                        </Badge>
                      ) : (
                        d.date()
                      )}
                    </div>
                  </div>
                );
              }}
            />
            <Space size="large" style={{ marginTop: 8 }}>
              <Statistic title={t('admin.calendar.workingDays', { year })} value={view?.workingDays ?? '—'} />
              <Statistic
                title={t('admin.calendar.countyEntries')}
                value={view?.coverage.countyEntries ?? '—'}
              />
            </Space>
          </Card>
          {canEdit && (
            <Card title={t('admin.calendar.edit')} style={{ marginTop: 16 }}>
              <Form<EditValues>
                form={form}
                layout="vertical"
                initialValues={{ setting: 'off' }}
                onFinish={submit}
              >
                <Form.Item
                  name="date"
                  label={t('admin.calendar.date')}
                  rules={[{ required: true, message: t('admin.calendar.dateRequired') }]}
                >
                  <DateField style={{ width: '100%' }} />
                </Form.Item>
                <Form.Item name="setting" label={t('admin.calendar.setting')}>
                  <Radio.Group>
                    {(['working', 'off', 'official'] as const).map((s) => (
                      <Radio key={s} value={s}>
                        {t(`admin.calendar.settings.${s}`)}
                      </Radio>
                    ))}
                  </Radio.Group>
                </Form.Item>
                <Form.Item name="comment" label={t('admin.comment')}>
                  <Input maxLength={2000} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={saving}>
                  {t('admin.calendar.save')}
                </Button>
              </Form>
            </Card>
          )}
        </Col>
        <Col span={14}>
          <Card
            title={t('admin.calendar.days', { year })}
            extra={
              view?.lastChange && (
                <Typography.Text type="secondary">
                  {t('admin.calendar.lastChange', {
                    at: formatDateTime(view.lastChange.changedAt),
                    name: view.lastChange.changedBy.name,
                  })}
                </Typography.Text>
              )
            }
          >
            <Table<CalendarDay>
              size="small"
              rowKey="date"
              loading={loading}
              dataSource={view?.days ?? []}
              // a year has about 35 special dates: all of them in one list, so a date just set is there to see
              pagination={false}
              locale={{
                emptyText: (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('admin.calendar.noDays')} />
                ),
              }}
              columns={[
                {
                  title: t('admin.calendar.date'),
                  dataIndex: 'date',
                  render: (d: string) => `${d} ${t(`admin.calendar.weekdays.${dayjs(d).day()}`)}`,
                },
                { title: t('admin.calendar.kind'), key: 'kind', render: (_, d) => kindTag(d) },
                { title: t('admin.calendar.name'), dataIndex: 'name', render: holidayName },
                {
                  title: t('admin.calendar.source'),
                  dataIndex: 'source',
                  render: (s: CalendarDay['source'], d) =>
                    s === 'county'
                      ? `${t('admin.calendar.sources.county')}${
                          d.officialWorking === undefined
                            ? ''
                            : t('admin.calendar.officially', {
                                what: t(d.officialWorking ? 'admin.calendar.working' : 'admin.calendar.off'),
                              })
                        }`
                      : t('admin.calendar.sources.official'),
                },
                ...(canEdit
                  ? [
                      {
                        title: t('admin.actions'),
                        key: 'actions',
                        render: (_: unknown, d: CalendarDay) =>
                          d.source === 'county' ? (
                            <Popconfirm
                              title={t('admin.calendar.removeConfirm', { date: d.date })}
                              onConfirm={() => change({ [d.date]: null })}
                            >
                              <Button size="small" danger>
                                {t('admin.calendar.remove')}
                              </Button>
                            </Popconfirm>
                          ) : null,
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
