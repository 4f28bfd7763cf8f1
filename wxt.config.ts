import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
import { CLOUDS } from './lib/clouds';
import { PORTAL_EXCLUDE_GLOBS, PORTAL_INCLUDE_GLOBS, PORTAL_MATCHES } from './lib/pim/portals';

/**
 * Public half of the key that fixes the extension id (fimhpbjaiihihdfclklanipldnjbddib), which the app
 * registration's redirect URI https://<id>.chromiumapp.org/ depends on. Deployers who publish their own build
 * replace it (docs/DEPLOYING.md explains how); the store assigns its own id and ignores it.
 */
const MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAjMbk+1LxmRDVPPTIi/1dt4aPicZ5zin21SnGX4jNa2HJ6R7MLLlZ3F38CR24Nff5sewtYaoAW7r9hWDB85dscy/2s3+FP1E7fCzIWW4dg1otOaXeDYF5CNuZ65nnuhOZ7J3CfQNXoxEYGUcOxbZxjlgbHVWcYpZRkoNNV8T/LODp+yS8tFbWvkHptSZ4nA27DZWuf2u7//e8GyqRKD1Z1J/behfOSE7NspEVq888Lh7LrayfRf+w6Kns6iEldv7KXVFE+KCA71yaIE5zW1ZwG18veowGa1sQO9HJubs20XC6yf35g5IZTKqC3Bt08d989aik4WrAi42we65JPjvqNwIDAQAB';

/**
 * The portal badge's script runs in every admin-portal page on a 15 kB budget and calls only APIs that are
 * promise-based in both browsers' content scripts (runtime messaging, i18n). It takes the browser's own `browser` /
 * `chrome` (what wxt/browser is without the polyfill module) instead of Mozilla's polyfill, which costs 2.7 kB gz
 * there.
 */
function portalWithoutPolyfill(): Plugin {
  let portalBuild = false;
  return {
    name: 'pim:portal-without-polyfill',
    enforce: 'pre',
    options(o) {
      portalBuild = JSON.stringify(o.input ?? '').includes('entrypoints/portal/');
      return null;
    },
    resolveId(source, importer, opts) {
      if (!portalBuild || (source !== '@wxt-dev/webextension-polyfill/browser' && source !== 'wxt/browser'))
        return null;
      return this.resolve('@wxt-dev/browser', importer, { ...opts, skipSelf: true });
    },
  };
}

const connectSrc = [
  ...new Set(CLOUDS.flatMap((c) => [new URL(c.authority).origin, new URL(c.graph).origin, new URL(c.arm).origin])),
];

export default defineConfig({
  srcDir: '.',
  // A private output folder lets parallel checkouts' builds and e2e runs not step on each other (default .output).
  outDir: process.env.WXT_OUT_DIR ?? '.output',
  manifestVersion: 3,
  // One promise-based browser.* in every context on both browsers (Mozilla's webextension-polyfill behind wxt/browser).
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact(), portalWithoutPolyfill()] }),
  hooks: {
    // The portal badge is a plain script (entrypoints/portal/index.ts: WXT's content-script context would announce
    // itself to the page), injected by this entry: exactly the portal hosts; globs that match the host, never the
    // query.
    'build:manifestGenerated': (_wxt, manifest) => {
      manifest.content_scripts = [
        ...(manifest.content_scripts ?? []),
        {
          matches: PORTAL_MATCHES,
          include_globs: PORTAL_INCLUDE_GLOBS,
          exclude_globs: PORTAL_EXCLUDE_GLOBS,
          js: ['portal.js'],
          run_at: 'document_end',
        },
      ];
    },
  },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'pim-companion@pim-companion.dev',
              // 140: the first Firefox (and ESR) that reads data_collection_permissions; above what storage.session,
              // event pages and navigator.locks need (docs/DEPLOYING.md, "Firefox data collection").
              strict_min_version: '140.0',
              // Sign-in data goes to the user's own Microsoft Entra tenant and nowhere else (docs/DEPLOYING.md).
              data_collection_permissions: { required: ['authenticationInfo'] },
            },
            // Firefox for Android reads data_collection_permissions from 142.
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : { key: MANIFEST_KEY, minimum_chrome_version: '116', storage: { managed_schema: 'managed-schema.json' } }),
    permissions: ['storage', 'alarms', 'notifications', 'identity', ...(browser === 'firefox' ? [] : ['offscreen'])],
    // Graph, Azure Resource Manager (Azure resource roles) and sign-in only: no CORS preflight, so a refresh is one
    // round trip. No portal host: the badge registers its tab with the background, which is how "Reload the admin
    // center" finds the open portal tabs (docs/SECURITY.md).
    host_permissions: [
      'https://graph.microsoft.com/*',
      'https://management.azure.com/*',
      'https://login.microsoftonline.com/*',
    ],
    content_security_policy: {
      extension_pages: [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        `connect-src ${connectSrc.join(' ')}`,
        "frame-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; '),
    },
    action: { default_title: '__MSG_extName__' },
  }),
});
