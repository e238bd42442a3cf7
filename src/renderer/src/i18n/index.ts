import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { vi } from './vi';

export type Lang = 'vi' | 'en';

/** i18next with both languages bundled (no network); Vietnamese first. */
export function initI18n(lang: Lang) {
  void i18next.use(initReactI18next).init({
    resources: { vi: { translation: vi }, en: { translation: en } },
    lng: lang,
    fallbackLng: 'vi',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = lang;
  return i18next;
}

export async function setLanguage(lang: Lang) {
  await i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/** Picks the message of a typed error in the current language. */
export function pick(m: { vi: string; en: string }): string {
  return i18next.language === 'en' ? m.en : m.vi;
}
