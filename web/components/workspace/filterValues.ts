// The values each list filter offers; the same enums the server validates (db/schema.ts).
import type { FilterList } from '../../stores/filters.ts';

export const FILTER_VALUES: Record<FilterList, readonly string[]> = {
  channel: ['phone', 'web', 'wechat', 'weibo', 'app', 'mailbox', 'media', 'grid'],
  kind: ['complaint', 'report', 'help', 'consultation', 'suggestion', 'praise'],
  status: ['received', 'dispatched', 'accepted', 'in_progress', 'returned', 'deferred', 'replied', 'callback', 'closed'],
  urgency: ['emergency', 'basic', 'ordinary', 'complex'],
};
