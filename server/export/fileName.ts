// "工单-<region>-<category>-<from>至<to>.csv": an official sees in the downloads folder what each file holds.
import type { TicketFilterInput } from '../filters.ts';
import type { Lang } from './columns.ts';

export function exportFileName(
  lang: Lang,
  f: TicketFilterInput,
  regionName: string | null,
  from: string,
  to: string,
  ext: string,
): string {
  const parts = [lang === 'zh' ? '工单' : 'tickets'];
  if (f.region) parts.push(regionName ?? f.region);
  if (f.category) parts.push(f.category);
  for (const list of [f.channel, f.kind, f.status, f.urgency]) if (list?.length) parts.push(list.join('+'));
  if (f.flag) parts.push(f.flag);
  parts.push(lang === 'zh' ? `${from}至${to}` : `${from}_to_${to}`);
  return `${parts.join('-')}.${ext}`;
}
