/**
 * Portal badge content script: wiring only (lib/portal/badge.ts does the work). Built as a plain script, not WXT's
 * defineContentScript, whose context announces itself to the page with a DOM event (docs/SECURITY.md); the manifest
 * entry that injects it is written in wxt.config.ts from lib/pim/portals.ts. It does nothing the page can see before
 * the URL check and the background's answer.
 */
import css from '../../components/badge/badge.css?inline';
import { startPortalBadge } from '../../lib/portal/badge';
import { createPortalClient } from '../../lib/portal/client';
import { createPortalContext } from '../../lib/portal/context';
import { createBadgeStore } from '../../lib/portal/store';

export default defineUnlistedScript(() => {
  void startPortalBadge(createPortalContext(), {
    url: location.href,
    now: () => Date.now(),
    store: createBadgeStore,
    client: createPortalClient(),
    reload: () => location.reload(),
    css,
  });
});
