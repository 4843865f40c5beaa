// The values each list filter offers: the same vocabulary the server validates (shared/vocabulary.ts).
import { CHANNELS, TICKET_KINDS, TICKET_STATUSES, URGENCY_CLASSES } from '../../../db/vocabulary.ts';
import type { FilterList } from '../../stores/filters.ts';

export const FILTER_VALUES: Record<FilterList, readonly string[]> = {
  channel: CHANNELS,
  kind: TICKET_KINDS,
  status: TICKET_STATUSES,
  urgency: URGENCY_CLASSES,
};
