/** HTML of the stand-in sign-in pages: plain forms, stable ids and data attributes for Puppeteer. */
import type { Account } from './scenario.ts';
import type { z } from 'zod';
import { escapeHtml as e } from './http.ts';

type AccountT = z.output<typeof Account>;

function page(title: string, inner: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:440px;margin:48px auto;padding:0 16px}
button{display:block;width:100%;text-align:left;padding:12px;margin:8px 0;font:inherit;cursor:pointer}
.upn{color:#555;font-size:.9em}.err{border:1px solid #c00;padding:12px}</style></head>
<body><p><strong>Microsoft</strong> (stand-in)</p>${inner}</body></html>`;
}

export function pickerPage(opts: {
  tenantName: string;
  ctx: string;
  action: string;
  accounts: AccountT[];
  stepUpNote: string | null;
}): string {
  const buttons = opts.accounts
    .map((a) => {
      // A guest signs in as who they are at home: the button carries the home UPN (what a user types); the guest
      // account's own UPN (…#EXT#@…) is in data-guest-upn.
      const upn = a.homeUpn ?? a.userPrincipalName;
      const guest = a.homeUpn ? ` data-guest-upn="${e(a.userPrincipalName)}"` : '';
      return (
        `<button type="submit" name="upn" value="${e(upn)}" data-upn="${e(upn)}"${guest} class="account">` +
        `<span class="name">${e(a.displayName)}</span><br><span class="upn">${e(upn)}</span></button>`
      );
    })
    .join('\n');
  const note = opts.stepUpNote ? `<p id="stepup-note">${e(opts.stepUpNote)}</p>` : '';
  return page(
    'Sign in to your account',
    `<h1 id="pick-title">Pick an account</h1><p>${e(opts.tenantName)}</p>${note}
<form method="post" action="${e(opts.action)}" id="picker">
<input type="hidden" name="ctx" value="${e(opts.ctx)}"><input type="hidden" name="step" value="pick">
${buttons}
</form>
<form method="post" action="${e(opts.action)}"><input type="hidden" name="ctx" value="${e(opts.ctx)}">
<input type="hidden" name="step" value="cancel"><button type="submit" id="cancel">Cancel</button></form>`,
  );
}

export function stepUpPage(opts: { ctx: string; action: string; account: AccountT; what: string }): string {
  return page(
    'Verify your identity',
    `<h1 id="stepup-title">Verify your identity</h1>
<p id="stepup-account" data-account-upn="${e(opts.account.userPrincipalName)}">${e(opts.account.userPrincipalName)}</p>
<p id="stepup-what">${e(opts.what)}</p>
<form method="post" action="${e(opts.action)}"><input type="hidden" name="ctx" value="${e(opts.ctx)}">
<input type="hidden" name="upn" value="${e(opts.account.userPrincipalName)}">
<input type="hidden" name="step" value="stepup"><button type="submit" id="stepup-approve">Approve sign-in request</button></form>
<form method="post" action="${e(opts.action)}"><input type="hidden" name="ctx" value="${e(opts.ctx)}">
<input type="hidden" name="step" value="cancel"><button type="submit" id="cancel">Cancel</button></form>`,
  );
}

/** Entra shows configuration errors (unknown app, wrong redirect URI) on its own page, never at the redirect URI. */
export function errorPage(code: string, message: string, traceId: string, correlationId: string): string {
  return page(
    'Sign in to your account',
    `<h1>Sorry, but we're having trouble signing you in.</h1>
<div class="err" id="error" data-error-code="${e(code)}"><p>${e(code)}: ${e(message)}</p>
<p>Request Id: ${e(traceId)}<br>Correlation Id: ${e(correlationId)}</p></div>`,
  );
}

export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
    .join('');
  return page(
    'Working...',
    `<form method="post" action="${e(action)}" id="fp">${inputs}</form><script>document.getElementById('fp').submit()</script>`,
  );
}
