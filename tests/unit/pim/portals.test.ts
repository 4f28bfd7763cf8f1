import { describe, expect, it } from 'vitest';
import type { Assignment } from '../../../lib/pim/model';
import {
  PORTAL_EXCLUDE_GLOBS,
  PORTAL_INCLUDE_GLOBS,
  PORTAL_MATCHES,
  PORTALS,
  ROLES,
  portalForUrl,
  relevance,
  relevantAssignments,
  sharePointAdminHost,
  tenantPortalForUrl,
  type PortalPref,
} from '../../../lib/pim/portals';

function a(overrides: Partial<Assignment> & Pick<Assignment, 'key'>): Assignment {
  return {
    kind: 'role',
    state: 'active',
    id: `${overrides.key}-id`,
    principalId: 'user',
    targetId: 'target',
    displayName: 'Some role',
    directoryScopeId: '/',
    scopeName: null,
    accessId: null,
    assignmentType: 'Activated',
    memberType: 'direct',
    startDateTime: null,
    endDateTime: null,
    grants: [],
    status: null,
    justification: null,
    ...overrides,
  };
}

const role = (r: { id: string; name: string }, extra: Partial<Assignment> = {}) =>
  a({ key: `role:${r.id}:/`, targetId: r.id, displayName: r.name, ...extra });

const all: Assignment[] = [
  role(ROLES.exchangeAdministrator),
  role(ROLES.exchangeRecipientAdministrator),
  role(ROLES.globalAdministrator),
  role(ROLES.teamsAdministrator),
  role(ROLES.sharePointAdministrator),
  role(ROLES.securityReader),
  role(ROLES.intuneAdministrator),
  role(ROLES.complianceAdministrator),
  role(ROLES.userAdministrator),
  a({ key: 'role:custom:/', targetId: 'custom', displayName: 'Contoso Mail Auditor' }),
  a({
    key: 'group:g1:member',
    kind: 'group',
    targetId: 'g1',
    displayName: 'PIM – INT – Exchange administrator',
    accessId: 'member',
    grants: ['Exchange Administrator'],
  }),
  a({
    key: 'group:g2:member',
    kind: 'group',
    targetId: 'g2',
    displayName: 'Lab owners',
    accessId: 'member',
    grants: [],
  }),
];

const names = (list: Assignment[]) => list.map((x) => x.displayName);

describe('portalForUrl', () => {
  it.each([
    ['https://admin.exchange.microsoft.com/#/mailboxes', 'exchange'],
    ['https://ADMIN.Exchange.Microsoft.com/mailboxes?x=1', 'exchange'],
    ['https://entra.microsoft.com/#view/Microsoft_AAD_IAM', 'entra'],
    ['https://portal.azure.com/', 'azure'],
    ['https://admin.microsoft.com/Adminportal/Home', 'm365'],
    ['https://admin.cloud.microsoft/', 'm365'],
    ['https://admin.teams.microsoft.com/dashboard', 'teams'],
    ['https://contoso-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx', 'sharepoint'],
    ['https://intune.microsoft.com/', 'intune'],
    ['https://security.microsoft.com/homepage', 'defender'],
    ['https://purview.microsoft.com/', 'purview'],
    ['https://compliance.microsoft.com/', 'purview'],
  ])('%s is the %s portal', (url, id) => {
    expect(portalForUrl(url)?.id).toBe(id);
  });

  it.each([
    ['an ordinary SharePoint site', 'https://contoso.sharepoint.com/sites/hr'],
    ['a nested SharePoint host', 'https://a.contoso-admin.sharepoint.com/'],
    ['a look-alike host', 'https://admin.exchange.microsoft.com.evil.example/'],
    ['a look-alike suffix', 'https://evil-admin.sharepoint.com.evil.example/'],
    ['plain http', 'http://admin.exchange.microsoft.com/'],
    ['another port', 'https://admin.exchange.microsoft.com:8443/'],
    ['credentials in the URL', 'https://user:pw@admin.exchange.microsoft.com/'],
    ['an extension page', 'chrome-extension://abc/popup.html'],
    ['not a URL', 'admin.exchange.microsoft.com'],
    ['nothing', undefined],
  ])('%s is no portal', (_, url) => {
    expect(portalForUrl(url)).toBeNull();
  });
});

describe('content-script matches', () => {
  it('lists exactly the table hosts, with no broad pattern but the SharePoint one', () => {
    const hosts = PORTALS.flatMap((p) => p.hosts.map((h) => `https://${h}/*`));
    expect(PORTAL_MATCHES.filter((m) => !m.includes('*.'))).toEqual(hosts);
    expect(PORTAL_MATCHES.filter((m) => m.includes('*.'))).toEqual(['https://*.sharepoint.com/*']);
    expect(PORTAL_MATCHES.every((m) => /^https:\/\/(\*\.)?[a-z0-9.-]+\/\*$/.test(m))).toBe(true);
  });

  it('narrows SharePoint with include_globs to admin hosts, and keeps every other portal', () => {
    expect(PORTAL_INCLUDE_GLOBS).toContain('https://*-admin.sharepoint.com/*');
    for (const m of PORTAL_MATCHES.filter((x) => !x.includes('*.'))) expect(PORTAL_INCLUDE_GLOBS).toContain(m);
  });
});

describe('relevance', () => {
  it.each([
    [
      'https://admin.exchange.microsoft.com/',
      [
        'Exchange Administrator',
        'Exchange Recipient Administrator',
        'Global Administrator',
        'PIM – INT – Exchange administrator',
      ],
    ],
    ['https://entra.microsoft.com/', ['Global Administrator', 'Security Reader', 'User Administrator']],
    ['https://admin.teams.microsoft.com/', ['Global Administrator', 'Teams Administrator']],
    ['https://contoso-admin.sharepoint.com/', ['Global Administrator', 'SharePoint Administrator']],
    ['https://intune.microsoft.com/', ['Global Administrator', 'Intune Administrator']],
    ['https://security.microsoft.com/', ['Global Administrator', 'Security Reader']],
    ['https://purview.microsoft.com/', ['Global Administrator', 'Compliance Administrator']],
  ])('on %s: %j', (url, expected) => {
    const portal = portalForUrl(url)!;
    expect(names(relevantAssignments(all, portal)).sort()).toEqual([...expected].sort());
  });

  it('with unknown grants (role-assignment list refused), a group counts where its name names the portal roles', () => {
    const exchange = portalForUrl('https://admin.exchange.microsoft.com/')!;
    const teams = portalForUrl('https://admin.teams.microsoft.com/')!;
    const unknown = (displayName: string) =>
      a({ key: `group:${displayName}:member`, kind: 'group', accessId: 'member', displayName, grants: [] });
    expect(relevance(unknown('PIM – INT – Exchange administrator'), exchange)).toBe('name');
    expect(relevance(unknown('PIM – Exchange ops'), exchange)).toBe('name');
    expect(relevance(unknown('PIM – Teams admins'), exchange)).toBeNull();
    expect(relevance(unknown('PIM – Teams admins'), teams)).toBe('name');
    expect(relevance(unknown('Global helpers'), exchange)).toBeNull();
    // Known grants decide; the name is only a fallback.
    expect(relevance({ ...unknown('PIM – Exchange ops'), grants: ['Teams Administrator'] }, exchange)).toBeNull();
    // And a pin still works for a group whose name says nothing.
    expect(relevance(unknown('Tier 0'), exchange, { enabled: true, pinned: ['group:Tier 0:member'] })).toBe('pinned');
  });

  it('counts a PIM group on a portal when a role it grants does', () => {
    const exchange = portalForUrl('https://admin.exchange.microsoft.com/')!;
    const teams = portalForUrl('https://admin.teams.microsoft.com/')!;
    const group = all.find((x) => x.key === 'group:g1:member')!;
    expect(relevance(group, exchange)).toBe('grant');
    expect(relevance(group, teams)).toBeNull();
    // Names are compared without regard to case or spacing (Graph's names are English, cached names may differ in
    // case).
    expect(relevance({ ...group, grants: [' exchange  administrator '] }, exchange)).toBe('grant');
  });

  it('matches a role by template id when its name is not known, and by name when the id is not the template', () => {
    const exchange = portalForUrl('https://admin.exchange.microsoft.com/')!;
    expect(
      relevance(role(ROLES.exchangeAdministrator, { displayName: ROLES.exchangeAdministrator.id }), exchange),
    ).toBe('role');
    expect(relevance(a({ key: 'role:x:/', targetId: 'X', displayName: 'Exchange Administrator' }), exchange)).toBe(
      'role',
    );
    expect(relevance(role({ id: ROLES.exchangeAdministrator.id.toUpperCase(), name: '' }), exchange)).toBe('role');
  });

  it('adds what the user pinned to a portal, and shows nothing where the badge is switched off', () => {
    const exchange = portalForUrl('https://admin.exchange.microsoft.com/')!;
    const pinned: PortalPref = { enabled: true, pinned: ['role:custom:/', 'group:g2:member'] };
    expect(names(relevantAssignments(all, exchange, pinned))).toEqual(
      expect.arrayContaining(['Contoso Mail Auditor', 'Lab owners', 'Exchange Administrator']),
    );
    expect(
      relevance(
        all.find((x) => x.key === 'role:custom:/')!,
        exchange,
        pinned,
      ),
    ).toBe('pinned');
    expect(relevantAssignments(all, exchange, { enabled: false, pinned: ['role:custom:/'] })).toEqual([]);
  });

  it('keeps every role of the table known by a template id (a GUID) and a name', () => {
    for (const p of PORTALS) {
      expect(p.roles.length).toBeGreaterThan(0);
      for (const r of p.roles) {
        expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(r.name).not.toBe('');
      }
    }
  });
});

describe('SharePoint admin: exact hosts only (issue 11)', () => {
  /**
   * Chromium's include/exclude glob semantics: `*` any run of characters (slashes and `?` included), `?` one character.
   */
  const glob = (g: string) =>
    new RegExp(
      `^${g
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
  const injected = (url: string) =>
    PORTAL_INCLUDE_GLOBS.some((g) => glob(g).test(url)) && !PORTAL_EXCLUDE_GLOBS.some((g) => glob(g).test(url));

  it.each([
    ['https://contoso-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx', true],
    ['https://admin.exchange.microsoft.com/#/mailboxes', true],
    ['https://contoso.sharepoint.com/sites/hr/Home.aspx?q=-admin.sharepoint.com/', false],
    ['https://evil.sharepoint.com/sites/x/-admin.sharepoint.com/', false],
    ['https://contoso.sharepoint.com/sites/hr#-admin.sharepoint.com/', false],
    ['https://contoso.sharepoint.com/sites/hr', false],
  ])('%s → script injected: %s', (url, expected) => {
    expect(injected(url)).toBe(expected);
  });

  it("derives the tenant's SharePoint admin host from the account's initial domain, and nothing from a custom domain", () => {
    expect(sharePointAdminHost('adm-lidia@contoso.onmicrosoft.com')).toBe('contoso-admin.sharepoint.com');
    expect(sharePointAdminHost('ADM@Fabrikam.OnMicrosoft.com')).toBe('fabrikam-admin.sharepoint.com');
    expect(sharePointAdminHost('adm-lidia@contoso.com')).toBeNull();
    expect(sharePointAdminHost(null)).toBeNull();
  });

  it("counts only the signed-in tenant's SharePoint admin host as a portal; other portals are unaffected", () => {
    const hosts = ['contoso-admin.sharepoint.com'];
    expect(
      tenantPortalForUrl('https://contoso-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx', hosts)?.id,
    ).toBe('sharepoint');
    expect(
      tenantPortalForUrl('https://fabrikam-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx', hosts),
    ).toBeNull();
    expect(tenantPortalForUrl('https://contoso-admin.sharepoint.com/', [])).toBeNull();
    expect(tenantPortalForUrl('https://admin.exchange.microsoft.com/', [])?.id).toBe('exchange');
    expect(tenantPortalForUrl('https://evil.example/', hosts)).toBeNull();
  });
});
