// vue-i18n setup: zh-CN and English; the city's language is the default (cityLocale, once
// /api/config has said which city this is) and a choice made in the header is remembered per browser.
import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.ts';
import en from './en.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];
type MessageSchema = typeof zhCN;

const STORAGE_KEY = 'hotline.locale';

const isLocale = (v: unknown): v is AppLocale => (LOCALES as readonly unknown[]).includes(v);

/** The language chosen in this browser, if any. */
function storedLocale(): AppLocale | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    // storage can be disabled (kiosk profiles, privacy mode): fall back to the default
    return null;
  }
}

const numberFormats = {
  integer: { maximumFractionDigits: 0 },
  percent: { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 },
} as const;

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: storedLocale() ?? 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  numberFormats: { 'zh-CN': numberFormats, en: numberFormats },
});

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* see storedLocale */
  }
  applyDocumentLocale();
}

/** The city's language becomes the page's, unless this browser chose one. */
export function cityLocale(locale: string | null | undefined): void {
  if (storedLocale() || !isLocale(locale) || i18n.global.locale.value === locale) return;
  i18n.global.locale.value = locale;
  applyDocumentLocale();
}

/** Keeps <html lang> (screen readers, CJK font selection) and the tab title in step. */
export function applyDocumentLocale(): void {
  const locale = i18n.global.locale.value;
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.documentTitle');
}
