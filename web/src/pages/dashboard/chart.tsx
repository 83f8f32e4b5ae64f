/**
 * One ECharts chart, with only the chart types and components the dashboard draws (tree-shaken `echarts/core`),
 * rendered as SVG (crisp at any zoom, cheap for the few hundred marks a report has). Each chart is an image with
 * a label; the numbers it draws are also in the table beside it. Imported by the dashboard's lazy chunk only.
 */
import { BarChart, HeatmapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import EChartsReactCore from 'echarts-for-react/esm/core';
import { useMemo } from 'react';

echarts.use([
  BarChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export interface ChartProps {
  option: echarts.EChartsCoreOption;
  /** what the chart shows, for assistive technology and tests */
  label: string;
  height?: number;
  /** ECharts' own words (tooltips, visual map): 'ZH' or 'EN' */
  locale: 'ZH' | 'EN';
}

/**
 * A chart that follows its container's size and redraws when its option changes, without animation: a report is
 * read, not watched, and the animation frames cost a modest laptop more than drawing the chart.
 */
export function Chart({ option, label, height = 300, locale }: ChartProps) {
  const still = useMemo(() => ({ ...option, animation: false }), [option]);
  return (
    <EChartsReactCore
      key={locale}
      echarts={echarts}
      option={still}
      notMerge
      opts={{ renderer: 'svg', locale }}
      role="img"
      aria-label={label}
      style={{ width: '100%', height }}
    />
  );
}
