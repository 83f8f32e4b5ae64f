import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { dayjs } from '../time.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type Language = 'zh-CN' | 'en';
const LANGUAGE_KEY = 'console.language';

export const savedLanguage = (): Language => (localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN');
/** dayjs names months and weekdays (a calendar's month list) in the console's language. */
const DAYJS_LOCALE: Readonly<Record<Language, string>> = { 'zh-CN': 'zh-cn', en: 'en' };
dayjs.locale(DAYJS_LOCALE[savedLanguage()]);

/** i18next with Chinese first; the choice is kept in localStorage so a reload keeps it. */
export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: savedLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLanguage(lang: Language): void {
  localStorage.setItem(LANGUAGE_KEY, lang);
  document.documentElement.lang = lang;
  dayjs.locale(DAYJS_LOCALE[lang]);
  void i18n.changeLanguage(lang);
}
