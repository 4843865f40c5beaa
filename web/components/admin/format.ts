// Small display helpers shared by the admin panels.
import { AdminError } from './adminApi.ts';
import { formatCityTime } from '../../composables/city.ts';

type T = (key: string, named?: Record<string, unknown>) => string;

export function formatTime(iso: string | null, locale: string): string {
  if (!iso) return '';
  return formatCityTime(iso, locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

/** The server's reason, in a sentence that says what kind of refusal it was. */
export function problemText(t: T, e: unknown): string {
  const message =
    e instanceof AdminError ? (e.body?.error.message ?? e.message) : e instanceof Error ? e.message : String(e);
  if (e instanceof AdminError && e.status === 409) return t('authPage.admin.errors.conflict', { message });
  if (e instanceof AdminError && e.status === 400) return t('authPage.admin.errors.invalid', { message });
  return t('authPage.admin.errors.failed', { message });
}
