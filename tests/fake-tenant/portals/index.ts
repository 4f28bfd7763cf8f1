/**
 * Stand-in admin portals under their real host names, realistic where it matters to the portal badge: a single-page
 * app that navigates with history.pushState and re-renders <body> on every route, thousands of DOM nodes, its own
 * fixed header, a fixed "Help & support" button and overlays up to the highest z-index, page CSS with broad,
 * inherited styles, and a strict CSP (nonce'd inline script only, scripts and styles from 'self', Trusted Types).
 * The page's shell includes one inline script *without* the nonce: `window.__inlineRan` stays undefined when the CSP
 * is enforced.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { siteFor, SITES, type Site } from './sites.ts';

export interface PortalReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Hosts with a stand-in page (SharePoint admin hosts are answered too, for any tenant:
 * `<tenant>-admin.sharepoint.com`).
 */
export const PORTAL_HOSTS: string[] = Object.keys(SITES);

/** Rows in each route's data grid: 7 cells and ~15 nodes per row, so several thousand nodes per page. */
export const GRID_ROWS = 400;

const APP_JS = readFileSync(new URL('./app.js', import.meta.url), 'utf8');
const APP_CSS = readFileSync(new URL('./app.css', import.meta.url), 'utf8');

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A CSP in the spirit of the real portals': nothing inline without the page's nonce, everything else from 'self'. */
export function portalCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
  ].join('; ');
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Cache-Control': 'no-store',
};

function shell(site: Site, nonce: string): string {
  const config = { title: site.title, routes: site.routes, helpButton: site.helpButton, rows: GRID_ROWS };
  // JSON inside <script type="application/json"> is data, not script; "<" is escaped so it cannot close the tag.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(site.title)}</title>
<link rel="stylesheet" href="/app.css">
<style nonce="${nonce}">:root { --brand: ${escapeHtml(site.brand)}; }</style>
<script nonce="${nonce}">window.__portalBootAt = performance.now();</script>
<script>window.__inlineRan = true;</script>
<script type="application/json" id="portal-config">${json}</script>
<script src="/app.js" defer></script>
</head>
<body><p id="portal-loading">Loading ${escapeHtml(site.title)}…</p></body>
</html>`;
}

/**
 * The stand-in's answer for a request to `host` + `path` (path without the query string), or null when the host is not
 * a stand-in portal. Every path that is not an asset gets the app shell: the SPA picks the route from the URL.
 */
export function portalResponse(host: string, path: string): PortalReply | null {
  const site = siteFor(host);
  if (!site) return null;
  if (path === '/app.js') {
    return {
      status: 200,
      headers: { 'Content-Type': 'text/javascript; charset=utf-8', ...SECURITY_HEADERS },
      body: APP_JS,
    };
  }
  if (path === '/app.css') {
    return { status: 200, headers: { 'Content-Type': 'text/css; charset=utf-8', ...SECURITY_HEADERS }, body: APP_CSS };
  }
  if (path === '/favicon.ico') return { status: 204, headers: { ...SECURITY_HEADERS }, body: '' };
  const nonce = randomBytes(16).toString('base64');
  return {
    status: 200,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': portalCsp(nonce),
      ...SECURITY_HEADERS,
    },
    body: shell(site, nonce),
  };
}
