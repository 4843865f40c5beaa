// Intake/life-cycle settings that are local policy: the time-limit policy and the repeat window.
import type { Policy } from '../../data/policy/index.ts';
import { cityPolicy } from '../city.ts';

export interface LifecycleSettings {
  policy: Policy;
  /** Same caller phone or address + same category within this many days → repeat demand (重复诉求). */
  repeatWindowDays: number;
}

export const NOTIFY_CHANNEL = 'hotline_ticket_events';

export function defaultSettings(): LifecycleSettings {
  const days = Number(process.env.HOTLINE_REPEAT_WINDOW_DAYS ?? 30);
  return { policy: cityPolicy(), repeatWindowDays: Number.isFinite(days) && days >= 0 ? days : 30 };
}
