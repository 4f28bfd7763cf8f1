/** Translate functions over the messages files, for tests of pure code that takes one. */
import { translator, type Translate } from '../../../lib/i18n';
import { getMessageFrom, LOCALES } from './install';

export { getMessageFrom, installEnglish, LOCALES, type Message, type MessageTable } from './install';

/** The English messages, as pure code receives them from t() in an English browser. */
export const english: Translate = translator(getMessageFrom(LOCALES.en!, 'en'));
/** The Norwegian Bokmål messages. */
export const bokmal: Translate = translator(getMessageFrom(LOCALES.nb!, 'nb'));
