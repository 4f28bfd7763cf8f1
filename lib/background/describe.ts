import { t } from '../i18n';
import { describeError } from '../pim/errors';
import { GraphRequestError } from '../graph/errors';

/** A failed refresh as a sentence for the popup, and whether it looks like being offline (no answer at all). */
export function describeRefreshError(e: unknown): { text: string; offline: boolean } {
  const offline = (e instanceof GraphRequestError && e.status === 0) || e instanceof TypeError;
  const err = e instanceof GraphRequestError ? e.error : { message: e instanceof Error ? e.message : String(e) };
  const described = describeError(offline ? { code: 'offline', message: err.message } : err, {
    displayName: t('errYourAssignments'),
    action: 'refresh',
  }, t);
  return { text: described.text, offline };
}
