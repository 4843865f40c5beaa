// Words of the downloadable reports, Chinese first (the officials' language), English second.
import type { ReportKind } from './build.ts';

export type Lang = 'zh' | 'en';
export const LANGS = ['zh', 'en'] as const;

type Pair = { zh: string; en: string };
const p = (zh: string, en: string): Pair => ({ zh, en });

export const LABELS = {
  // sheets
  summary: p('概况', 'Summary'),
  districts: p('各区', 'Districts'),
  streets: p('街乡镇排名', 'Streets'),
  departments: p('部门排名', 'Departments'),
  utilities: p('公共服务企业排名', 'Utilities'),
  movers: p('排名变化', 'Movers'),
  redZone: p('红区', 'Red zone'),
  categories: p('诉求类别', 'Categories'),
  warnings: p('预警', 'Warnings'),
  days: p('每日', 'Days'),
  months: p('月度走势', 'Months'),
  best: p('前十', 'Best 10'),
  worst: p('后十', 'Worst 10'),
  // columns
  item: p('指标', 'Item'),
  current: p('本期', 'This period'),
  previousPeriod: p('上期', 'Previous period'),
  rank: p('排名', 'Rank'),
  previousRank: p('上月排名', 'Previous rank'),
  rankChange: p('名次变化', 'Rank change'),
  code: p('代码', 'Code'),
  name: p('名称', 'Name'),
  parent: p('所属区', 'District'),
  score: p('综合得分', 'Score'),
  response: p('响应率(%)', 'Response rate (%)'),
  resolution: p('解决率(%)', 'Resolution rate (%)'),
  satisfaction: p('满意率(%)', 'Satisfaction rate (%)'),
  dispatched: p('派单量', 'Dispatched'),
  respondedInTime: p('按时响应', 'Responded in time'),
  calledBack: p('回访量', 'Called back'),
  solved: p('已解决', 'Solved'),
  satisfied: p('满意', 'Satisfied'),
  basic: p('基本满意', 'Basically satisfied'),
  dissatisfied: p('不满意', 'Dissatisfied'),
  unjustifiedReturns: p('无理退单', 'Unjustified returns'),
  volume: p('诉求量', 'Demand volume'),
  per10k: p('万人诉求量', 'Per 10,000 residents'),
  classes: p('类别', 'Classes'),
  redZoneFlag: p('红区', 'Red zone'),
  streak: p('连续整改月数', 'Months in rectification'),
  eligible: p('样本充足', 'Enough callbacks'),
  smallSample: p('样本不足', 'Too few callbacks'),
  date: p('日期', 'Date'),
  month: p('月份', 'Month'),
  category: p('诉求类别', 'Category'),
  district: p('区', 'District'),
  expected: p('预期', 'Expected'),
  change: p('变化(%)', 'Change (%)'),
  ratio: p('倍数', 'Ratio'),
  probability: p('偶然概率', 'Chance probability'),
  level: p('等级', 'Level'),
  direction: p('方向', 'Direction'),
  up: p('上升', 'Up'),
  down: p('下降', 'Down'),
  wholeCity: p('全市', 'Whole city'),
  yes: p('是', 'Yes'),
  new: p('新出现', 'New'),
  rising: p('上升', 'Rising'),
  overdueOpen: p('超期未办结', 'Overdue, not replied'),
  received: p('受理量', 'Received'),
  monthsAdvanced: p('先进类月数', 'Months advanced'),
  monthsProgressing: p('进步类月数', 'Months progressing'),
  monthsRectification: p('整改类月数', 'Months in rectification'),
  monthsGovernance: p('治理类月数', 'Months in governance'),
  monthsRedZone: p('红区月数', 'Months in red zone'),
  // classes
  advanced: p('先进类', 'Advanced'),
  progressing: p('进步类', 'Progressing'),
  rectification: p('整改类', 'Rectification'),
  governance: p('治理类', 'Governance'),
} as const;

export type LabelKey = keyof typeof LABELS;

export function t(key: LabelKey, lang: Lang): string {
  return LABELS[key][lang];
}

export const KIND_LABELS: Record<string, Pair> = {
  complaint: p('投诉', 'Complaint'),
  report: p('举报', 'Report'),
  help: p('求助', 'Help'),
  consultation: p('咨询', 'Consultation'),
  suggestion: p('建议', 'Suggestion'),
  praise: p('表扬', 'Praise'),
  proactive: p('主动治理', 'Proactive'),
};

export const CHANNEL_LABELS: Record<string, Pair> = {
  phone: p('电话', 'Phone'),
  web: p('网站', 'Web'),
  wechat: p('微信', 'WeChat'),
  weibo: p('微博', 'Weibo'),
  app: p('市民App', 'City app'),
  mailbox: p('市长信箱', 'Mayor’s mailbox'),
  media: p('媒体', 'Media'),
  grid: p('网格员上报', 'Grid worker'),
};

/** Report titles and the file names they download as (Chinese names are sent RFC 5987-encoded). */
export const REPORT_TITLES: Record<ReportKind, Pair> = {
  daily: p('日报', 'Daily report'),
  weekly: p('周报', 'Weekly analysis'),
  monthly: p('月度通报', 'Monthly bulletin'),
  annual: p('年度总结', 'Annual summary'),
};

const FILE_STEMS: Record<ReportKind, Pair> = {
  daily: p('日报', 'daily-report'),
  weekly: p('周报', 'weekly-analysis'),
  monthly: p('月度通报', 'monthly-bulletin'),
  annual: p('年度总结', 'annual-summary'),
};

export function reportFileName(kind: ReportKind, label: string, lang: Lang, ext: string): string {
  return `${FILE_STEMS[kind][lang]}-${label}.${ext}`;
}

/** Content-Disposition with an ASCII fallback and the real name as RFC 5987 UTF-8 (filename*). */
export function contentDisposition(type: 'attachment' | 'inline', fileName: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const fallback = asciiFallback.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
