// Labels shared by the queue and the detail: names per locale, durations, enum values.
import { useI18n } from 'vue-i18n';
import type { TicketNames, UnitName } from '../../api/tickets.ts';
import { durationParts } from './format.ts';

export function useTicketText() {
  const { t, te, locale } = useI18n();
  const zh = () => locale.value.startsWith('zh');
  /** An enum value through queuePage.<group>.<value>, or the raw value when unknown. */
  const label = (group: string, value: string | null | undefined) => {
    if (!value) return '—';
    const key = `queuePage.${group}.${value}`;
    return te(key) ? t(key) : value;
  };
  const duration = (ms: number) =>
    durationParts(ms)
      .map((p) => t(`queuePage.dur.${p.unit}`, { n: p.n }))
      .join(zh() ? '' : ' ');
  const category = (n: Pick<TicketNames, 'categoryZh' | 'categoryEn'>) =>
    zh() ? n.categoryZh : n.categoryEn || n.categoryZh;
  const place = (n: Pick<TicketNames, 'districtZh' | 'districtEn' | 'streetZh' | 'streetEn'>) => {
    const d = zh() ? n.districtZh : (n.districtEn ?? '').replace(/ District$/, '') || n.districtZh;
    const s = zh() ? n.streetZh : n.streetEn || n.streetZh;
    return [d, s].filter(Boolean).join(' · ');
  };
  const unit = (code: string | null | undefined, names: Record<string, UnitName> | UnitName[]) => {
    if (!code) return '—';
    const u = Array.isArray(names) ? names.find((x) => x.code === code) : names[code];
    return u ? (zh() ? u.nameZh : u.nameEn || u.nameZh) : code;
  };
  return { t, te, locale, zh, label, duration, category, place, unit };
}
