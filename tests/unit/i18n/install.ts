/**
 * The messages files as the browser reads them, for tests: getMessage over a messages.json (named placeholders resolve
 * to their content, then $1…$9 to the substitutions, as Chromium does), and the English table installed on
 * fakeBrowser. No product import here: the integration project loads this before its test points chrome at fakeBrowser.
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import en from '../../../public/_locales/en/messages.json';
import nb from '../../../public/_locales/nb/messages.json';

export interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export type MessageTable = Record<string, Message>;

export const LOCALES: Record<string, MessageTable> = { en: en, nb: nb };

export function getMessageFrom(table: MessageTable, uiLocale: string) {
  return (name: string, substitutions?: string | string[]): string => {
    if (name === '@@ui_locale') return uiLocale;
    const entry = table[name];
    if (!entry) return '';
    const subs = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
    const placeholders = Object.fromEntries(
      Object.entries(entry.placeholders ?? {}).map(([k, v]) => [k.toLowerCase(), v.content]),
    );
    return entry.message
      .replace(/\$([a-z0-9_@]+)\$/gi, (_, key: string) => placeholders[key.toLowerCase()] ?? '')
      .replace(/\$(\d)/g, (_, i: string) => subs[Number(i) - 1] ?? '')
      .replace(/\$\$/g, '$');
  };
}

export function installEnglish(): void {
  (fakeBrowser.i18n as unknown as { getMessage: ReturnType<typeof getMessageFrom> }).getMessage = getMessageFrom(
    LOCALES.en!,
    'en',
  );
}
