// ECharts, modular: only the line chart, the components used, and the canvas renderer.
import { use, init, type ComposeOption, type EChartsType } from 'echarts/core';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;
export { init, type EChartsType };

/** Okabe–Ito colours for the three rates; the score in near-white so it reads first. */
export const SERIES_COLORS = {
  response: '#56b4e9',
  resolution: '#009e73',
  satisfaction: '#e69f00',
  score: '#f5f7fb',
  rank: '#7cc4ff',
} as const;

export function remPx(): number {
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
}

/** Axis, legend and tooltip styling shared by the dark-theme charts, sized from the root rem. */
export function baseTheme() {
  const r = remPx();
  const text = { color: '#c9d3e6', fontSize: Math.round(0.8 * r) };
  return {
    r,
    text,
    axisLine: { lineStyle: { color: '#5d77a8' } },
    splitLine: { lineStyle: { color: '#24324f' } },
    tooltip: {
      backgroundColor: 'rgba(12,19,36,0.95)',
      borderColor: '#5d77a8',
      textStyle: { color: '#eef2fa', fontSize: Math.round(0.85 * r) },
    },
  };
}

/** Category-axis labels with the month the page is about drawn as a highlighted chip. */
export function focusAxisLabel(text: { color: string; fontSize: number }, focus: string | null) {
  return {
    ...text,
    formatter: (v: string) => (v === focus ? `{f|${v}}` : v),
    rich: {
      f: {
        color: '#06101f',
        backgroundColor: '#7cc4ff',
        fontWeight: 'bold' as const,
        fontSize: text.fontSize,
        padding: [2, 4],
        borderRadius: 3,
      },
    },
  };
}
