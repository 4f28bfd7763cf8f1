// Every unit test runs with the English messages behind browser.i18n.getMessage, as in an English browser:
// fakeBrowser leaves getMessage unimplemented, and code that calls t() should show real sentences in assertions.
import { installEnglish } from './install';

installEnglish();
