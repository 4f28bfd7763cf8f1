/**
 * Every user-facing string goes through t(). Messages live in public/_locales/<lang>/messages.json (the browser picks
 * the user's language); the key type is read from the English file, so a typo or a removed message fails tsc.
 */
import { browser } from 'wxt/browser';
import type messages from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

type GetMessage = (messageName: string, substitutions?: string[]) => string;

/**
 * The message for `key` with `$1`… (or its named placeholders) replaced by `substitutions`. Falls back to the key
 * itself so a missing translation shows something traceable instead of an empty label.
 */
export function t(key: MessageKey, ...substitutions: Array<string | number>): string {
  // WXT's generated getMessage overloads only know our keys once the manifest's default_locale is set; MessageKey
  // comes straight from the JSON, so the plain signature is as strict and does not depend on that configuration.
  const i18n = browser.i18n as unknown as { getMessage: GetMessage };
  return i18n.getMessage(key, substitutions.map(String)) || key;
}
