/**
 * The auditor dashboard: for one procedure (identification or risk elimination, as the reports answer) over a
 * window of months, the stage-duration percentiles per stage and per township, queue vs work time, SLA breaches
 * township × stage, the cases that are stuck or in error, the overdue tasks, the county's chain verification, and
 * a CSV export of each report. Loaded as its own chunk (ECharts comes with it).
 */
import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Row,
  Space,
  Spin,
  Statistic,
  Table,
  Tabs,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import type { EChartsCoreOption } from 'echarts/core';
import { startTransition, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Procedure } from '../../../../schemas/domain.ts';
import { request } from '../../api/client.ts';
import { useUser } from '../../auth/session.tsx';
import { errorText } from '../../errors.tsx';
import { DASHBOARD_PROCEDURE, STAGE_TIMINGS_PATH, stageTimingsQuery } from '../../report-queries.ts';
import { dayjs } from '../../time.ts';
import { ProcedureSelect } from '../procedure.tsx';
import { Chart } from './chart.tsx';
import { exportCsv } from './csv.ts';
import { MonitoringCard } from './monitoring-card.tsx';
import { lastTwelveMonths, MAX_MONTHS, type MonthWindow, monthsIn } from './month-window.ts';
import {
  type BreachCell,
  breachHeatmapOption,
  type ChartLabels,
  percentileOption,
  queueWorkOption,
  type TimingGroup,
  toDays,
} from './options.ts';
import { OverdueTable } from './overdue-table.tsx';
import { useServerNow } from './server-now.ts';
import { StuckTable } from './stuck-table.tsx';
import { VerifyPanel } from './verify-panel.tsx';

/** The stages a reviewer decides, in the order the reports list them. */
const HUMAN_STAGES = [
  'village_review',
  'township_verification',
  'county_approval',
  'objection_review',
  'reexamination',
] as const;

interface WholeCaseGroup {
  key: string;
  count: number;
  breaches: number;
  duration: TimingGroup['duration'];
}

interface StageTimings {
  county: string;
  groups: TimingGroup[];
  wholeCase: { countyDecision: WholeCaseGroup[]; enrolled: WholeCaseGroup[] };
  /** records and breaches per township × stage, whatever the grouping */
  cells: BreachCell[];
}

interface Reports {
  byStage?: StageTimings;
  byTownship?: StageTimings;
}

const timings = (county: string, months: MonthWindow, groupBy: string, procedure: Procedure) =>
  request<StageTimings>('GET', STAGE_TIMINGS_PATH, {
    query: stageTimingsQuery(county, months, groupBy, procedure),
  });

/**
 * The window's two reports of one procedure, at once, each shown as it arrives: by stage, and by township (which
 * also answers the heatmap's township × stage cells). The settled months come from the samples the scheduled job
 * stored.
 */
async function loadReports(
  county: string,
  months: MonthWindow,
  procedure: Procedure,
  show: (r: Reports) => void,
): Promise<void> {
  let shown: Reports = {};
  const add = (next: Reports) => {
    shown = { ...shown, ...next };
    show(shown);
  };
  await Promise.all([
    timings(county, months, 'stage', procedure).then((byStage) => add({ byStage })),
    timings(county, months, 'township', procedure).then((byTownship) => add({ byTownship })),
  ]);
}

export default function DashboardPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const user = useUser();
  const county = user.jurisdiction.slice(0, 6);
  const now = useServerNow();
  const [chosen, setMonths] = useState<MonthWindow>();
  const [procedure, setProcedure] = useState<Procedure>(DASHBOARD_PROCEDURE);
  const months = chosen ?? (now ? lastTwelveMonths(now.valueOf()) : undefined);
  const from = months?.from;
  const to = months?.to;
  const [reports, setReports] = useState<Reports>({});
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [exporting, setExporting] = useState<string>();
  // What lies below the charts (monitoring, stuck and overdue cases, the chain check) first mounts once the charts'
  // reports are in, in the background: the charts are drawn first, and each of its tables forces a layout as it mounts.
  const [belowShown, showBelow] = useState(false);
  useEffect(() => {
    if (!loading && !belowShown) startTransition(() => showBelow(true));
  }, [loading, belowShown]);

  useEffect(() => {
    if (!from || !to) return;
    let current = true;
    setLoading(true);
    setError(undefined);
    setReports({});
    loadReports(county, { from, to }, procedure, (r) => current && setReports(r))
      .catch((e: unknown) => current && setError(e))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [county, from, to, procedure]);

  const stageName = (s: string) => t(`stage.${s}`);
  const labels = useMemo(
    (): Omit<ChartLabels, 'group'> => ({
      p50: 'P50',
      p90: 'P90',
      p95: 'P95',
      max: t('dashboard.max'),
      queue: t('dashboard.queue'),
      work: t('dashboard.work'),
      days: t('dashboard.daysUnit'),
      breaches: t('dashboard.breaches'),
      records: t('dashboard.records'),
    }),
    [t],
  );
  const locale = i18n.language.startsWith('zh') ? 'ZH' : 'EN';

  async function download(name: string, path: string, query: Record<string, string>) {
    setExporting(name);
    try {
      const { files } = await exportCsv(
        (query) => request<Response>('GET', path, { query, as: 'response' }),
        { county, ...query, procedure },
        name,
      );
      message.success(t('dashboard.exported', { files: files.join(t('punct.listSep')) }));
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setExporting(undefined);
    }
  }
  const exportButton = (name: string, path: string, query: Record<string, string>) => (
    <Button
      icon={<DownloadOutlined />}
      loading={exporting === name}
      disabled={!months}
      onClick={() => months && download(name, path, { ...months, ...query })}
    >
      {t('dashboard.exportCsv')}
    </Button>
  );
  const timingsExport = (groupBy: string) =>
    exportButton(`stage-timings-${groupBy}`, STAGE_TIMINGS_PATH, { groupBy });

  const onWindow = (range: [Dayjs | null, Dayjs | null] | null) => {
    if (range?.[0] && range[1])
      setMonths({ from: range[0].format('YYYY-MM'), to: range[1].format('YYYY-MM') });
  };

  const statColumns = [
    { title: 'P50', key: 'p50' },
    { title: 'P90', key: 'p90' },
    { title: 'P95', key: 'p95' },
    { title: t('dashboard.max'), key: 'max' },
  ] as const;
  const groupTable = (groups: TimingGroup[], groupTitle: string, groupLabel: (k: string) => string) => (
    <Table<TimingGroup>
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={groups}
      scroll={{ y: 260 }}
      columns={[
        { title: groupTitle, dataIndex: 'key', render: groupLabel },
        { title: t('dashboard.records'), dataIndex: 'count', align: 'right' },
        { title: t('dashboard.breaches'), dataIndex: 'breaches', align: 'right' },
        ...statColumns.map((c) => ({
          title: t('punct.inParens', { text: c.title, note: t('dashboard.daysUnit') }),
          key: c.key,
          align: 'right' as const,
          render: (_: unknown, g: TimingGroup) => toDays(g.duration[c.key]),
        })),
        {
          title: t('punct.inParens', {
            text: `${t('dashboard.queue')}/${t('dashboard.work')}`,
            note: t('dashboard.daysUnit'),
          }),
          key: 'qw',
          align: 'right',
          render: (_, g) => `${toDays(g.queue.mean)} / ${toDays(g.work.mean)}`,
        },
      ]}
    />
  );

  /** A report's duration percentiles per group: the chart, and the numbers behind it as a table. */
  const percentilePanel = (
    groupBy: 'stage' | 'township',
    title: string,
    report: StageTimings | undefined,
    option: EChartsCoreOption | undefined,
    groupTitle: string,
    groupLabel: (key: string) => string,
  ) => (
    <Col span={12}>
      <Card title={title} extra={timingsExport(groupBy)}>
        {report && option && (
          <Tabs
            items={[
              {
                key: 'chart',
                label: t('dashboard.chart'),
                children: <Chart locale={locale} label={title} option={option} />,
              },
              {
                key: 'table',
                label: t('dashboard.table'),
                children: groupTable(report.groups, groupTitle, groupLabel),
              },
            ]}
          />
        )}
      </Card>
    </Col>
  );

  const { byStage, byTownship } = reports;
  const cells = byTownship?.cells;
  const total = byStage?.groups.reduce((n, g) => n + g.count, 0) ?? 0;
  const breaches = byStage?.groups.reduce((n, g) => n + g.breaches, 0) ?? 0;
  const decision = byStage?.wholeCase.countyDecision[0];
  // a proposal has no whole-procedure limit to be late against
  const wholeLimit = procedure === 'identification' ? decision : undefined;
  const townships = useMemo(() => byTownship?.groups.map((g) => g.key) ?? [], [byTownship]);
  // Options built once per report, so a re-render (a tab switch, an export) never redraws a chart.
  const options = useMemo(() => {
    const stageName = (s: string) => t(`stage.${s}`);
    const byKey = { ...labels, group: (k: string) => k };
    const byStageName = { ...labels, group: stageName };
    return {
      stagePercentiles: byStage && percentileOption(byStage.groups, byStageName),
      townshipPercentiles: byTownship && percentileOption(byTownship.groups, byKey),
      queueWork: byStage && queueWorkOption(byStage.groups, byStageName),
      heatmap: cells && breachHeatmapOption(cells, townships, HUMAN_STAGES, { ...byKey, stage: stageName }),
    };
  }, [byStage, byTownship, cells, townships, labels, t]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} aria-busy={!belowShown}>
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('dashboard.title')}
          <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12 }}>
            {t('dashboard.county', { county })}
          </Typography.Text>
        </Typography.Title>
        <Space wrap>
          <ProcedureSelect required value={procedure} onChange={setProcedure} />
          <label htmlFor="dashboard-months">{t('dashboard.window')}</label>
          <DatePicker.RangePicker
            id={{ start: 'dashboard-months' }}
            picker="month"
            allowClear={false}
            value={months ? [dayjs(`${months.from}-01`), dayjs(`${months.to}-01`)] : undefined}
            disabledDate={(d) => !!now && d.isAfter(now, 'month')}
            onChange={onWindow}
            aria-label={t('dashboard.window')}
          />
          {timingsExport('month')}
        </Space>
      </Space>
      {months && monthsIn(months) > MAX_MONTHS && (
        <Alert type="warning" showIcon title={t('dashboard.windowTooLong', { max: MAX_MONTHS })} />
      )}
      {error !== undefined && (
        <Alert type="error" showIcon title={t('dashboard.loadFailed')} description={errorText(t, error)} />
      )}
      <Spin spinning={loading} description={t('dashboard.loading')}>
        <Row gutter={[16, 16]}>
          <Col span={6}>
            <Card>
              <Statistic title={t('dashboard.totalRecords')} value={total} />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic
                title={t('dashboard.totalBreaches')}
                value={breaches}
                suffix={
                  total ? t('punct.parens', { note: `${((breaches / total) * 100).toFixed(1)}%` }) : undefined
                }
                styles={breaches ? { content: { color: '#cf1322' } } : undefined}
              />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic
                title={t('dashboard.wholeCaseP50')}
                value={decision ? toDays(decision.duration.p50) : '—'}
                suffix={decision ? t('dashboard.daysUnit') : undefined}
              />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic
                title={t('dashboard.wholeCaseLate')}
                value={wholeLimit ? wholeLimit.breaches : '—'}
                suffix={wholeLimit ? `/ ${wholeLimit.count}` : undefined}
              />
            </Card>
          </Col>
          {percentilePanel(
            'stage',
            t('dashboard.byStage'),
            byStage,
            options.stagePercentiles,
            t('dashboard.stage'),
            stageName,
          )}
          {percentilePanel(
            'township',
            t('dashboard.byTownship'),
            byTownship,
            options.townshipPercentiles,
            t('dashboard.township'),
            (k) => k,
          )}
          <Col span={12}>
            <Card title={t('dashboard.queueWork')}>
              {byStage && (
                <Chart locale={locale} label={t('dashboard.queueWork')} option={options.queueWork!} />
              )}
            </Card>
          </Col>
          <Col span={12}>
            <Card
              title={t('dashboard.heatmap')}
              extra={exportButton('sla-breaches', '/api/reports/sla-breaches', {})}
            >
              {cells && (
                <Chart
                  locale={locale}
                  height={Math.max(240, 64 + townships.length * 28)}
                  label={t('dashboard.heatmap')}
                  option={options.heatmap!}
                />
              )}
            </Card>
          </Col>
        </Row>
      </Spin>
      {belowShown ? (
        <>
          {now ? <MonitoringCard county={county} year={String(now.year())} /> : null}
          <StuckTable county={county} procedure={procedure} />
          <OverdueTable county={county} procedure={procedure} />
          <VerifyPanel county={county} />
        </>
      ) : null}
    </Space>
  );
}
