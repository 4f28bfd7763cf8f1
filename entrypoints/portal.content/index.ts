/**
 * Portal badge content script: wiring only (lib/portal/badge.ts does the work). Runs on exactly the portal hosts of
 * lib/pim/portals.ts. SharePoint admin hosts (contoso-admin.sharepoint.com) cannot be written as a match pattern, so
 * the match is https://*.sharepoint.com/*, narrowed by include_globs, and startPortalBadge returns at once, doing
 * nothing, on any host that is not a portal.
 */
import '../../components/badge/badge.css';
import { PORTAL_INCLUDE_GLOBS, PORTAL_MATCHES } from '../../lib/pim/portals';
import { startPortalBadge } from '../../lib/portal/badge';
import { createPortalClient } from '../../lib/portal/client';
import { createBadgeStore } from '../../lib/portal/store';

export default defineContentScript({
  matches: PORTAL_MATCHES,
  includeGlobs: PORTAL_INCLUDE_GLOBS,
  runAt: 'document_end',
  cssInjectionMode: 'ui',
  // WXT's legacy window.postMessage announcement is not needed (it also uses a DOM event); keep window messages out.
  noScriptStartedPostMessage: true,
  main(ctx) {
    void startPortalBadge(ctx, {
      url: location.href,
      now: () => Date.now(),
      store: createBadgeStore,
      client: createPortalClient(),
      reload: () => location.reload(),
    });
  },
});
