/** Admin-portal hosts: a recognisable placeholder page per portal, enough for the portal badge to load on. */
import type { Incoming, Reply } from './http.ts';
import { escapeHtml, html } from './http.ts';
import { portalResponse } from './portals/index.ts';

const TITLES: [RegExp, string][] = [
  [/^admin\.exchange\./, 'Exchange admin center'],
  [/^entra\./, 'Microsoft Entra admin center'],
  [/^portal\.azure\./, 'Microsoft Azure'],
  [/^admin\.(microsoft\.com|cloud\.microsoft)$/, 'Microsoft 365 admin center'],
  [/^admin\.teams\./, 'Microsoft Teams admin center'],
  [/-admin\.sharepoint\.com$/, 'SharePoint admin center'],
  [/^intune\./, 'Microsoft Intune admin center'],
  [/^security\./, 'Microsoft Defender'],
  [/^(purview|compliance)\./, 'Microsoft Purview'],
];

export function handlePortal(req: Incoming): Reply {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return html(405, '<!doctype html><title>Method not allowed</title>');
  if (req.path === '/favicon.ico') return { status: 404, headers: {}, body: '' };
  // Realistic SPA pages (heavy DOM, own header and overlays, strict CSP) where they exist; a placeholder elsewhere.
  const page = portalResponse(req.host, req.path);
  if (page) return page;
  const title = TITLES.find(([re]) => re.test(req.host))?.[1] ?? 'Microsoft admin portal';
  return html(
    200,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><header id="portal-header" data-portal-host="${escapeHtml(req.host)}"><h1>${escapeHtml(title)}</h1></header>
<main id="portal-main"><p>Stand-in page for ${escapeHtml(req.host)}${escapeHtml(req.path)}</p></main></body></html>`,
  );
}
