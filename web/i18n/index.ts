// vue-i18n setup: zh-CN first, English second; the choice is remembered per browser.
import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.ts';
import en from './en.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];
type MessageSchema = typeof zhCN;

const STORAGE_KEY = 'hotline.locale';

function storedLocale(): AppLocale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return (LOCALES as readonly string[]).includes(v ?? '') ? (v as AppLocale) : 'zh-CN';
  } catch {
    // storage can be disabled (kiosk profiles, privacy mode): fall back to the default
    return 'zh-CN';
  }
}

const numberFormats = {
  integer: { maximumFractionDigits: 0 },
  percent: { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 },
} as const;

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: storedLocale(),
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

/** Keeps <html lang> (screen readers, CJK font selection) and the tab title in step. */
export function applyDocumentLocale(): void {
  const locale = i18n.global.locale.value;
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.documentTitle');
}
