import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * zh-CN first, English on the switch. Each call site gives both texts (`t('提交', 'Submit')`):
 * the Chinese stays where the page is written, and the accessible names the tests use are the
 * zh-CN texts.
 */
export type Lang = 'zh-CN' | 'en';

export const LangContext = createContext<Lang>('zh-CN');

export type Translate = (zh: string, en: string) => string;

export function useLang(): Lang {
  return useContext(LangContext);
}

export function useT(): Translate {
  const lang = useLang();
  return (zh, en) => (lang === 'en' ? en : zh);
}

const LANG_KEY = 'rectify.lang';

export function savedLang(): Lang {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
}

export function saveLang(lang: Lang): void {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
}
