// What a tab hands the page for the map: its deck.gl layers, the legend, and the hover tip.
import type { Layer } from '@deck.gl/core';

export interface LegendItem {
  key: string;
  colour: string;
  label: string;
  count?: number;
  countText?: string;
  outline?: string;
  shape?: 'hex' | 'circle' | 'outline';
}

export interface LegendSpec {
  title: string;
  subtitle?: string;
  items: LegendItem[];
  note?: string;
}

export interface MapContent {
  layers: Layer[];
  legend: LegendSpec | null;
}

export interface TipContent {
  x: number;
  y: number;
  title: string;
  lines: string[];
}
