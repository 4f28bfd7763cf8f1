/**
 * Azure Resource Manager scopes as data: parsing an ARM scope id, whether one scope contains another, the resource id
 * an Azure portal URL shows, and the readable path the popup prints ("Contoso Prod › rg-web › kv-web-01"). Pure, no
 * zod: the portal content script may use it.
 *
 * A management group's subscriptions cannot be told from ids (that needs a hierarchy read we do not make), so a
 * management-group scope is taken to contain every subscription and resource: the badge then shows such a role on
 * every Azure resource page, labelled with its management group, rather than hiding one that applies.
 */

export type ScopeLevel = 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

export interface ArmScope {
  level: ScopeLevel;
  /** Canonical form: leading slash, no trailing slash, segments as written. */
  id: string;
  managementGroup?: string;
  subscription?: string;
  resourceGroup?: string;
  /** Provider namespace and type/name pairs below it, e.g. Microsoft.KeyVault, [['vaults', 'kv-web-01']]. */
  provider?: string;
  resources?: [type: string, name: string][];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Names ARM allows in ids we read (resource names may hold dots, dashes, underscores, parentheses). */
const NAME = /^[A-Za-z0-9._()~-]{1,260}$/;

const eq = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

/** An ARM scope id → its parts, or null when it is not one (the background's check on anything a page names). */
export function parseScope(id: string): ArmScope | null {
  if (typeof id !== 'string' || id.length > 2048) return null;
  const segs = id.split('/').filter((s) => s !== '');
  // '.' and '..' would move a request's path elsewhere on the host: never a scope.
  if (segs.length === 0 || segs.some((s) => !NAME.test(s) || s === '.' || s === '..')) return null;
  const canonical = `/${segs.join('/')}`;
  if (
    segs.length === 4 &&
    eq(segs[0], 'providers') &&
    eq(segs[1], 'Microsoft.Management') &&
    eq(segs[2], 'managementGroups')
  )
    return { level: 'managementGroup', id: canonical, managementGroup: segs[3]! };
  if (!eq(segs[0], 'subscriptions') || !segs[1] || !GUID.test(segs[1])) return null;
  const subscription = segs[1];
  if (segs.length === 2) return { level: 'subscription', id: canonical, subscription };
  if (!eq(segs[2], 'resourceGroups') || !segs[3]) return null;
  const resourceGroup = segs[3];
  if (segs.length === 4) return { level: 'resourceGroup', id: canonical, subscription, resourceGroup };
  if (!eq(segs[4], 'providers') || !segs[5]) return null;
  const rest = segs.slice(6);
  if (rest.length < 2 || rest.length % 2 !== 0) return null;
  const resources: [string, string][] = [];
  for (let i = 0; i < rest.length; i += 2) resources.push([rest[i]!, rest[i + 1]!]);
  return { level: 'resource', id: canonical, subscription, resourceGroup, provider: segs[5], resources };
}

/** Case-insensitive segments of a scope (ARM ids are case-insensitive). */
function segmentsOf(id: string): string[] {
  return id
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.toLowerCase());
}

/** True when a role at `outer` applies to `inner` (same scope, or an ancestor; management groups: see the header). */
export function scopeContains(outer: string, inner: string): boolean {
  const o = parseScope(outer);
  const i = parseScope(inner);
  if (!o || !i) return false;
  if (o.level === 'managementGroup')
    return i.level !== 'managementGroup' || eq(i.managementGroup, o.managementGroup ?? '');
  if (i.level === 'managementGroup') return false;
  const os = segmentsOf(o.id);
  const is = segmentsOf(i.id);
  return os.length <= is.length && os.every((s, n) => s === is[n]);
}

/** Hosts of the Azure portal in each cloud (lib/clouds.ts). */
export const AZURE_PORTAL_HOSTS: readonly string[] = ['portal.azure.com', 'portal.azure.us', 'portal.azure.cn'];

/**
 * The resource an Azure portal URL shows, as an ARM scope id, or null (a hub, a blade without a resource).
 * `https://portal.azure.com/#@contoso.onmicrosoft.com/resource/subscriptions/…/vaults/kv-web-01/overview`: the part
 * after `/resource`, minus the blade at the end; management groups also appear as `…/mgId/{name}` in view URLs.
 */
export function portalResourceId(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!AZURE_PORTAL_HOSTS.includes(parsed.hostname.toLowerCase())) return null;
  let hash: string;
  try {
    hash = decodeURIComponent(parsed.hash.replace(/^#/, ''));
  } catch {
    return null;
  }
  const path = hash.split(/[?]/)[0]!;
  const segs = path.split('/').filter((s) => s !== '');
  const mg = segs.findIndex((s) => eq(s, 'mgId'));
  if (mg >= 0 && segs[mg + 1]) return scopeOrNull(`/providers/Microsoft.Management/managementGroups/${segs[mg + 1]}`);
  const at = segs.findIndex((s) => eq(s, 'resource'));
  if (at < 0) return null;
  const rest = segs.slice(at + 1);
  // The longest prefix that is a scope: what follows it is the blade (overview, users, accessControl…).
  for (let n = rest.length; n >= 2; n--) {
    const candidate = parseScope(`/${rest.slice(0, n).join('/')}`);
    if (candidate) return candidate.id;
  }
  return null;
}

function scopeOrNull(id: string): string | null {
  return parseScope(id)?.id ?? null;
}

/** The ids of every scope from the top down to `id` (management group alone; else subscription, group, resource…). */
export function scopeChain(id: string): string[] {
  const s = parseScope(id);
  if (!s) return [];
  if (s.level === 'managementGroup') return [s.id];
  const chain = [`/subscriptions/${s.subscription}`];
  if (s.resourceGroup) chain.push(`${chain[0]}/resourceGroups/${s.resourceGroup}`);
  if (s.resources) {
    let base = `${chain[1]}/providers/${s.provider}`;
    for (const [type, name] of s.resources) {
      base = `${base}/${type}/${name}`;
      chain.push(base);
    }
  }
  return chain;
}

/**
 * "Contoso Prod › rg-web › kv-web-01": each level's display name when ARM named it (`names`, by lower-case scope id,
 * from expandedProperties.scope), else the name in the id; a subscription ARM never named shows its id's start.
 */
export function scopePath(id: string, names: ReadonlyMap<string, string>, separator = ' › '): string {
  const s = parseScope(id);
  if (!s) return id;
  return scopeChain(id)
    .map((level) => {
      const known = names.get(level.toLowerCase());
      if (known) return known;
      const last = level.split('/').pop()!;
      return GUID.test(last) ? `${last.slice(0, 8)}…` : last;
    })
    .join(separator);
}
