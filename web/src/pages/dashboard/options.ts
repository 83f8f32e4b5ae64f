/**
 * ECharts options of the auditor dashboard, built from the stage-timings report (hours, nearest-rank
 * percentiles). Pure functions: the page passes the report and the labels, and gets the option to render.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { TimingGroup } from '../../../../functions/core/timings.ts';

export type { Stats, TimingGroup } from '../../../../functions/core/timings.ts';

/** What the charts call their series and axes, in the console's language. */
export interface ChartLabels {
  /** a group key as people read it (a stage's name, a township's code) */
  group: (key: string) => string;
  p50: string;
  p90: string;
  p95: string;
  max: string;
  queue: string;
  work: string;
  /** the value axis: days */
  days: string;
  breaches: string;
  records: string;
}

/** Hours as days, one decimal: a limit of 3 working days reads as about 3, not 72. */
export const toDays = (hours: number): number => Math.round((hours / 24) * 10) / 10;

const PERCENTILES = ['p50', 'p90', 'p95', 'max'] as const;
/** Ant Design's blue, gold, orange and red: longer tails read warmer. */
const PERCENTILE_COLOURS = ['#1677ff', '#faad14', '#fa8c16', '#f5222d'];

const grid = { left: 48, right: 16, top: 40, bottom: 56, containLabel: true };

/** Grouped bars: the duration percentiles (p50, p90, p95, max) of each group, in days. */
export function percentileOption(groups: readonly TimingGroup[], labels: ChartLabels): EChartsCoreOption {
  return {
    color: PERCENTILE_COLOURS,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid,
    xAxis: {
      type: 'category',
      data: groups.map((g) => labels.group(g.key)),
      axisLabel: { interval: 0, rotate: groups.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value', name: labels.days },
    series: PERCENTILES.map((p) => ({
      name: labels[p],
      type: 'bar',
      data: groups.map((g) => toDays(g.duration[p])),
    })),
  };
}

/** Stacked bars: mean queue time (opened → claimed) and mean work time (claimed → decided) per group. */
export function queueWorkOption(groups: readonly TimingGroup[], labels: ChartLabels): EChartsCoreOption {
  const series = (name: string, measure: 'queue' | 'work') => ({
    name,
    type: 'bar',
    stack: 'duration',
    label: { show: true, position: 'inside' },
    data: groups.map((g) => toDays(g[measure].mean)),
  });
  return {
    color: ['#bfbfbf', '#1677ff'],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid,
    xAxis: { type: 'value', name: labels.days },
    yAxis: { type: 'category', data: groups.map((g) => labels.group(g.key)), inverse: true },
    series: [series(labels.queue, 'queue'), series(labels.work, 'work')],
  };
}

/** One cell of the breach heatmap: a township's records of a stage, and how many were decided late. */
export interface BreachCell {
  township: string;
  stage: string;
  count: number;
  breaches: number;
}

/**
 * Heatmap of SLA breaches, township (rows) × stage (columns): each cell's colour and label are its breaches;
 * the tooltip adds the records the stage decided there. Cells with no record stay empty.
 */
export function breachHeatmapOption(
  cells: readonly BreachCell[],
  townships: readonly string[],
  stages: readonly string[],
  labels: ChartLabels & { stage: (key: string) => string },
): EChartsCoreOption {
  const data = cells.map((c) => [
    stages.indexOf(c.stage),
    townships.indexOf(c.township),
    c.breaches,
    c.count,
  ]);
  const most = Math.max(1, ...cells.map((c) => c.breaches));
  return {
    tooltip: {
      position: 'top',
      formatter: (p: { data: number[] }) => {
        const [x, y, breaches, count] = p.data as [number, number, number, number];
        return `${townships[y]} · ${labels.stage(stages[x]!)}<br/>${labels.breaches}: ${breaches} / ${labels.records}: ${count}`;
      },
    },
    grid: { left: 16, right: 16, top: 16, bottom: 64, containLabel: true },
    xAxis: {
      type: 'category',
      data: stages.map(labels.stage),
      splitArea: { show: true },
      axisLabel: { interval: 0 },
    },
    yAxis: { type: 'category', data: [...townships], splitArea: { show: true } },
    visualMap: {
      // colour by the breaches (the third value of a cell), not by its last value, the record count
      dimension: 2,
      min: 0,
      max: most,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      inRange: { color: ['#f6ffed', '#ffe58f', '#ff7a45', '#a8071a'] },
    },
    series: [
      {
        name: labels.breaches,
        type: 'heatmap',
        data,
        label: { show: true },
        emphasis: { itemStyle: { shadowBlur: 6, shadowColor: 'rgba(0,0,0,0.3)' } },
      },
    ],
  };
}
