/**
 * Schema error messages that are message keys, so the UI can say them in the user's language. A module of its own:
 * the schemas the popup's first paint loads (lib/connection.ts) use it without the bundle and template schemas.
 */
import type { MessageKey } from './i18n';

/** Message keys our schemas use as their error text; validationText (lib/pim/templates.ts) translates them. */
export const VALIDATION_KEYS = new Set<string>();

/** A schema error message that is a message key (type-checked), so the UI can say it in the user's language. */
export function validationKey(key: MessageKey): MessageKey {
  VALIDATION_KEYS.add(key);
  return key;
}
