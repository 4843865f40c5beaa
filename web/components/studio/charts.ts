// ECharts for the studio: bars and lines, with the SVG renderer so the printed brief stays sharp.
// `use` is additive, so this adds to what composables/echarts.ts registered for other pages.
import { use, init, type ComposeOption, type EChartsType } from 'echarts/core';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  MarkLineComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
  type MarkLineComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, SVGRenderer]);

export type StudioChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | MarkLineComponentOption
>;
export { init, type EChartsType };
