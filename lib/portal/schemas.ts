/**
 * The portal badge's stored shapes, apart from lib/storage.ts: lib/messaging.ts needs them for the badge's messages,
 * and the offscreen auth document loads lib/messaging.ts but has no extension storage, where merely importing
 * lib/storage.ts (which defines the storage items) throws.
 */
// zod/mini: the popup and options load this; classic zod does not tree-shake (docs/PERFORMANCE.md).
import { z } from 'zod/mini';

/**
 * Portal badge choices per portal id (lib/pim/portals.ts PortalId), edited on the options page: the badge on or off
 * there, and assignment keys pinned to it on top of the portal's own roles. The background reads it too, to refuse
 * commands for what the badge would not show. Missing portal → { enabled: true, pinned: [] }.
 */
export const PortalPref = z.object({
  enabled: z._default(z.boolean(), true),
  pinned: z._default(z.array(z.string().check(z.maxLength(300))).check(z.maxLength(100)), []),
});
export type PortalPref = z.infer<typeof PortalPref>;

/** Where the badge sits and whether it is folded, per portal id; saved through the background (portal.layout). */
export const PortalLayout = z.object({
  corner: z.optional(z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right'])),
  collapsed: z.optional(z.boolean()),
});
export type PortalLayout = z.infer<typeof PortalLayout>;
