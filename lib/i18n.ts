/**
 * Every user-facing string goes through t(). Messages live in public/_locales/<lang>/messages.json (the browser picks
 * the user's language); the key type is read from the English file, so a typo or a removed message fails tsc.
 *
 * Pure code (lib/pim, the notification and toolbar texts) takes a `Translate` argument instead of importing t(), so it
 * stays free of browser APIs and tests can hand it the English table (or any other).
 */
// The browser's own API (no polyfill): getMessage and getUILanguage are synchronous and alike in both browsers, and
// the popup's first paint (entrypoints/popup/main.tsx) loads this without Mozilla's polyfill.
import { browser } from '@wxt-dev/browser';
import type messages from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/** `base` such that both `base_one` and `base_other` exist: a message chosen by Intl.PluralRules (see plural()). */
export type PluralBase = PluralBaseOf<MessageKey>;
type PluralBaseOf<K> = K extends `${infer B}_other` ? (`${B}_one` extends MessageKey ? B : never) : never;

export interface Translate {
  (key: MessageKey, ...substitutions: Array<string | number>): string;
  /** The BCP 47 language the messages are read in: what Intl.PluralRules, ListFormat and date formats should use. */
  readonly locale: string;
}

type GetMessage = (messageName: string, substitutions?: string[]) => string;

/**
 * A Translate over a getMessage function (browser.i18n.getMessage, or a stand-in reading a messages.json). The locale
 * comes from the predefined message `@@ui_locale` ("nb", "en_US"), so it always matches the table being read.
 */
export function translator(getMessage: GetMessage): Translate {
  const tr = (key: MessageKey, ...substitutions: Array<string | number>) =>
    getMessage(key, substitutions.map(String)) || key;
  return Object.defineProperty(tr, 'locale', {
    get: () => (getMessage('@@ui_locale') || 'en').replace(/_/g, '-'),
    enumerable: true,
  }) as Translate;
}

// WXT's generated getMessage overloads only know our keys once the manifest's default_locale is set; MessageKey comes
// straight from the JSON, so the plain signature is as strict and does not depend on that configuration. The lookup
// happens per call (not bound once) so tests can install a message table on fakeBrowser after import. Offscreen
// documents have no chrome.i18n (only chrome.runtime): there the key is returned, traceable rather than a crash. Code
// run outside an extension (Node scripts, tests that never point chrome anywhere) has no `browser` at all: the same.
const browserMessage: GetMessage = (name, substitutions) => {
  const i18n = (browser as unknown as { i18n?: { getMessage?: GetMessage } } | undefined)?.i18n;
  return i18n?.getMessage ? i18n.getMessage(name, substitutions) : '';
};

/**
 * The message for `key` with `$1`… (or its named placeholders) replaced by `substitutions`. Falls back to the key
 * itself so a missing translation shows something traceable instead of an empty label.
 */
export const t: Translate = translator(browserMessage);

/**
 * The plural form of `base` for `count` in the messages' language: `base_one`, `base_few`… as Intl.PluralRules
 * selects, falling back to `base_other` when a language's file has no key for that category. Every plural message
 * takes the count as its first substitution (Bokmål and English have one/other; others may need more forms).
 */
export function plural(tr: Translate, base: PluralBase, count: number, ...more: Array<string | number>): string {
  const category = new Intl.PluralRules(tr.locale).select(count);
  const key = `${base}_${category}` as MessageKey;
  const text = tr(key, count, ...more);
  return text === key || text === '' ? tr(`${base}_other` as MessageKey, count, ...more) : text;
}

/** "a, b and c" in the messages' language. */
export function listText(tr: Translate, items: readonly string[]): string {
  return new Intl.ListFormat(tr.locale, { style: 'long', type: 'conjunction' }).format(items);
}

/** The user's UI language for Intl date/time formats (BCP 47). */
export function uiLocale(): string {
  const i18n = browser.i18n as unknown as { getUILanguage?: () => string } | undefined;
  return i18n?.getUILanguage?.() || t.locale;
}
