// The exported ticket table: which columns, their headers in both languages, and how a value
// reads. Personal data (caller name, phone in ticket_callers) and the free-text description
// (citizens often put their phone number in it) are never part of it.
import { CHANNEL_LABELS, KIND_LABELS } from '../reports/labels.ts';

export type Lang = 'zh' | 'en';

export interface ExportRow {
  id: number;
  receivedAt: Date;
  kind: string;
  channel: string;
  groupZh: string;
  groupEn: string;
  categoryZh: string;
  categoryEn: string;
  urgency: string;
  status: string;
  districtZh: string | null;
  districtEn: string | null;
  streetZh: string | null;
  streetEn: string | null;
  gridCode: string | null;
  address: string | null;
  lon: number | null;
  lat: number | null;
  overdue: boolean;
  returnCount: number;
}

const STATUS: Record<string, [string, string]> = {
  received: ['已受理', 'Received'],
  dispatched: ['已派单', 'Dispatched'],
  accepted: ['已响应', 'Responded'],
  in_progress: ['办理中', 'In progress'],
  returned: ['已退单', 'Returned'],
  deferred: ['延期', 'Deferred'],
  replied: ['已办结', 'Replied'],
  callback: ['回访中', 'Callback'],
  closed: ['已结案', 'Closed'],
};

const URGENCY: Record<string, [string, string]> = {
  emergency: ['突发紧急', 'Emergency'],
  basic: ['生活保障', 'Basic needs'],
  ordinary: ['一般', 'Ordinary'],
  complex: ['复杂疑难', 'Complex'],
};

export interface Column {
  key: string;
  header: [zh: string, en: string];
  width: number;
  value: (r: ExportRow, lang: Lang, fmtTime: (d: Date) => string) => string | number | null;
}

const pick = (pair: [string, string] | undefined, lang: Lang, raw: string) =>
  pair ? pair[lang === 'zh' ? 0 : 1] : raw;

export const COLUMNS: readonly Column[] = [
  { key: 'id', header: ['工单号', 'Ticket'], width: 10, value: (r) => r.id },
  { key: 'receivedAt', header: ['受理时间', 'Received'], width: 18, value: (r, _l, f) => f(r.receivedAt) },
  {
    key: 'kind',
    header: ['诉求类型', 'Kind'],
    width: 10,
    value: (r, l) => {
      const p = KIND_LABELS[r.kind];
      return p ? p[l] : r.kind;
    },
  },
  {
    key: 'channel',
    header: ['渠道', 'Channel'],
    width: 12,
    value: (r, l) => {
      const p = CHANNEL_LABELS[r.channel];
      return p ? p[l] : r.channel;
    },
  },
  {
    key: 'group',
    header: ['类别大类', 'Category group'],
    width: 14,
    value: (r, l) => (l === 'zh' ? r.groupZh : r.groupEn),
  },
  {
    key: 'category',
    header: ['类别', 'Category'],
    width: 18,
    value: (r, l) => (l === 'zh' ? r.categoryZh : r.categoryEn),
  },
  {
    key: 'urgency',
    header: ['紧急程度', 'Urgency'],
    width: 10,
    value: (r, l) => pick(URGENCY[r.urgency], l, r.urgency),
  },
  { key: 'status', header: ['状态', 'Status'], width: 10, value: (r, l) => pick(STATUS[r.status], l, r.status) },
  {
    key: 'district',
    header: ['区', 'District'],
    width: 12,
    value: (r, l) => (l === 'zh' ? r.districtZh : r.districtEn),
  },
  {
    key: 'street',
    header: ['街乡镇', 'Street/township'],
    width: 16,
    value: (r, l) => (l === 'zh' ? r.streetZh : r.streetEn),
  },
  { key: 'grid', header: ['网格', 'Grid cell'], width: 16, value: (r) => r.gridCode },
  { key: 'address', header: ['地址', 'Address'], width: 30, value: (r) => r.address },
  { key: 'lon', header: ['经度', 'Longitude'], width: 11, value: (r) => r.lon },
  { key: 'lat', header: ['纬度', 'Latitude'], width: 11, value: (r) => r.lat },
  {
    key: 'overdue',
    header: ['超时', 'Overdue'],
    width: 8,
    value: (r, l) => (r.overdue ? (l === 'zh' ? '是' : 'yes') : l === 'zh' ? '否' : 'no'),
  },
  { key: 'returnCount', header: ['退单次数', 'Returns'], width: 9, value: (r) => r.returnCount },
];
