import { errorCodeOf } from '../auth/errors';
import { t } from '../i18n';
import { describeError } from '../pim/errors';
import { GraphRequestError } from '../graph/errors';

/**
 * A failed refresh as a sentence for the popup, and whether it looks like being offline (no answer at all: Graph's
 * fetch failed, or the token provider could not reach Entra). Sign-in problems never get here as "offline": the Graph
 * client passes the token provider's own error through (lib/graph/client.ts).
 */
export function describeRefreshError(e: unknown): { text: string; offline: boolean } {
  const offline =
    (e instanceof GraphRequestError && e.status === 0) || e instanceof TypeError || errorCodeOf(e) === 'offline';
  const err = e instanceof GraphRequestError ? e.error : { message: e instanceof Error ? e.message : String(e) };
  const described = describeError(
    offline ? { code: 'offline', message: err.message } : err,
    {
      displayName: t('errYourAssignments'),
      action: 'refresh',
    },
    t,
  );
  return { text: described.text, offline };
}
