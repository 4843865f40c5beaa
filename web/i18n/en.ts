import type zhCN from './zh-CN.ts';

const en: typeof zhCN = {
  app: {
    title: '12345 Hotline · City Operations Map',
    subtitle: 'Where Beijing citizen hotline tickets come from',
    documentTitle: 'Hotline · City Operations Map',
    demoBadge: 'Demo data',
  },
  locale: {
    label: 'Language',
    'zh-CN': '中文',
    en: 'English',
  },
  range: {
    label: 'Time range',
    '7d': '7 days',
    '30d': '30 days',
    '90d': '90 days',
    '13m': '13 months',
    span: '{from} – {to}',
    dataUntil: 'Data until {date}',
  },
  summary: {
    heading: 'Ticket overview',
    total: 'Total tickets',
    located: 'Located',
    locatedHint: 'inside a district',
    unlocated: 'No location',
    unlocatedHint: 'address only',
    outside: 'Outside',
    outsideHint: 'outside all regions',
  },
  ranking: {
    heading: 'Tickets by district',
    hint: 'Click a district to filter',
    cityWide: 'Whole city',
    clear: 'Back to whole city',
    share: '{value} of located',
    selected: 'Selected: {name}',
  },
  legend: {
    heading: 'Category groups',
    hint: 'Click a group to show only its points',
    all: 'All groups',
    showingOnly: 'Showing only: {name}',
    others: '{count} other groups',
  },
  map: {
    ariaLabel: 'Map of hotline tickets in Beijing',
    pointsDrawn: '{count} points on the map',
    truncated: 'Too many points: showing {shown} of {total}',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    resetView: 'Whole city',
    webglMissing: 'This browser has no WebGL, so the map cannot be shown',
  },
  state: {
    loading: 'Loading…',
    empty: 'No tickets in the selected period and area',
    error: 'Could not load the data. Please try again.',
    retry: 'Retry',
  },
  notice: {
    heading: 'About the data',
    boundaries: 'District boundaries come from open data (ECharts map data, Apache-2.0); street/township and grid boundaries are illustrative, not official.',
    demo: 'Tickets are demo data, not real requests.',
    unlocated: 'Tickets without coordinates count in the totals but cannot be drawn.',
    credits: 'Map rendering: MapLibre GL JS, deck.gl',
  },
};

export default en;
