/**
 * A portal badge's request, shown in the popup for the user to confirm (docs/SECURITY.md): the badge lives inside a
 * page we do not control, so its Activate, Extend and (unproven) Deactivate only bring the user here. Activate opens
 * the activation form under its row, which shows everything that will be sent; Extend and Deactivate ask here.
 * Nothing is sent until a click in this extension-owned window.
 */
import { t } from '../../lib/i18n';
import { AccountTag, type AccountChoice } from './AccountSwitcher';
import type { Assignment } from '../../lib/pim/model';
import { formatClock, parseTime, type TimeFormat } from '../../lib/pim/time';

export interface IntentView {
  /** renew: a notification's Extend that PIM refused (deactivate, then activate again, on the user's OK). */
  command: 'activate' | 'extend' | 'deactivate' | 'renew';
  key: string;
  portalName: string;
}

export interface IntentBannerProps {
  intent: IntentView;
  /** The assignment the request is about, in the state it needs; null when it has changed since. */
  target: Assignment | null;
  format: TimeFormat;
  onConfirm(): void;
  onDismiss(): void;
  /** The account the confirmation acts for (several accounts): shown beside the buttons. */
  account?: AccountChoice | null;
}

export function IntentBanner({ intent, target, format, onConfirm, onDismiss, account }: IntentBannerProps) {
  if (!target) {
    return (
      <section class="notice notice-warning" data-testid="intent" data-intent="gone" role="status">
        <p class="notice-text">{t('intentGone', intent.portalName)}</p>
        <button type="button" class="btn btn-subtle" onClick={onDismiss}>
          {t('actDismiss')}
        </button>
      </section>
    );
  }
  const end = parseTime(target.endDateTime);
  // An Azure role names its scope too: "Owner" alone could be any of several.
  const name =
    target.kind === 'azure' && target.scopeName ? `${target.displayName} (${target.scopeName})` : target.displayName;
  const text =
    intent.command === 'activate'
      ? t('intentActivate', intent.portalName, name)
      : intent.command === 'extend'
        ? t('intentExtend', intent.portalName, name, end === null ? '—' : formatClock(end, format))
        : intent.command === 'renew'
          ? t('intentRenew', name)
          : t('intentDeactivate', intent.portalName, name);
  const confirmLabel = {
    extend: t('intentConfirmExtend'),
    renew: t('actRenew'),
    deactivate: t('intentConfirmDeactivate'),
    activate: '',
  }[intent.command];
  return (
    <section class="notice notice-info" data-testid="intent" data-intent={intent.command} role="status">
      <p class="notice-text">{text}</p>
      {intent.command !== 'activate' && (
        <div class="intent-actions">
          <AccountTag account={account} />
          <button type="button" class="btn btn-primary" data-testid="intent-confirm" onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button type="button" class="btn btn-subtle" data-testid="intent-cancel" onClick={onDismiss}>
            {t('intentCancel')}
          </button>
        </div>
      )}
    </section>
  );
}
