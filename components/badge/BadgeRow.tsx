/** One relevant assignment in the portal badge: name, how it is held, time left, and what can be done about it. */
import { t } from '../../lib/i18n';
import { formatMinutes } from '../../lib/pim/duration';
import { MINUTE, parseTime } from '../../lib/pim/time';
import type { PortalCommand } from '../../lib/portal/client';
import { badgeTimeLeft, type BadgeItem } from '../../lib/portal/view';
import { timeLeftText } from '../popup/labels';
import { trusted } from './trusted';

export interface BadgeRowProps {
  item: BadgeItem;
  now: number;
  warnMs: number;
  busy: boolean;
  /** false: Deactivate asks in the extension's window first (lib/portal/visibility.ts); the button says so. */
  oneClickDeactivate: boolean;
  onCommand(command: PortalCommand, key: string): void;
}

export function BadgeRow({ item, now, warnMs, busy, oneClickDeactivate, onCommand }: BadgeRowProps) {
  const end = parseTime(item.endDateTime);
  const left = badgeTimeLeft(item.endDateTime, now);
  const warning = item.state === 'active' && end !== null && end - now < warnMs;
  const act = (command: PortalCommand) => trusted(() => onCommand(command, item.key));
  const d = item.deactivate;
  // Counts down to PIM's 5-minute floor, so the greyed button says when it will work: in whole minutes (rounded up),
  // then mm:ss in the last minute, like the countdowns.
  const available = d && !d.ok ? parseTime(d.availableAt ?? null) : null;
  const wait = available !== null ? badgeTimeLeft(new Date(available).toISOString(), now) : null;
  const waitText =
    wait?.kind === 'clock'
      ? wait.text
      : wait && wait.kind !== 'ended' && available !== null
        ? formatMinutes(Math.ceil((available - now) / MINUTE), t)
        : null;
  return (
    <li
      class={`pc-row pc-${item.state}`}
      data-testid="badge-item"
      data-key={item.key}
      data-state={item.state}
      data-kind={item.kind}
    >
      <div class="pc-main">
        <div class="pc-title">
          <span class={`pc-kind pc-kind-${item.kind}`}>
            {item.kind === 'role' ? t('kindRole') : item.kind === 'azure' ? t('kindAzure') : t('kindGroup')}
          </span>
          <span class="pc-name" title={item.displayName}>
            {item.displayName}
          </span>
        </div>
        {/* An Azure role's scope: Owner at a management group and at a resource group look alike otherwise. */}
        {item.kind === 'azure' && item.scopeName && (
          <div class="pc-detail" data-testid="badge-scope">
            {item.scopeName}
          </div>
        )}
        {item.via !== null && (
          <div class="pc-detail">{item.via ? t('portalBadgeVia', item.via) : t('viaSomeGroup')}</div>
        )}
        {item.kind === 'group' && item.grants.length > 0 && (
          <div class="pc-detail">{t('grants', item.grants.join(', '))}</div>
        )}
      </div>
      <div class="pc-side">
        {item.state === 'active' && (
          <span class={warning ? 'pc-time is-warning' : 'pc-time'} role="timer">
            {left ? timeLeftText(left) : t('portalBadgePermanent')}
          </span>
        )}
        {item.state === 'pending' && <span class="pc-time">{t('portalBadgePending')}</span>}
        <div class="pc-actions">
          {d && (
            <button
              class="pc-btn"
              disabled={!d.ok || busy}
              aria-label={t('portalBadgeDeactivateLabel', item.displayName)}
              aria-description={oneClickDeactivate ? undefined : t('portalBadgeConfirmFirst')}
              onClick={act('deactivate')}
            >
              {t('portalBadgeDeactivate')}
            </button>
          )}
          {item.extendable && (
            <button
              class="pc-btn"
              disabled={busy}
              aria-label={t('portalBadgeExtendLabel', item.displayName)}
              aria-description={t('portalBadgeConfirmFirst')}
              onClick={act('extend')}
            >
              {t('portalBadgeExtend')}
            </button>
          )}
          {item.state === 'eligible' && (
            <button
              class="pc-btn pc-primary"
              disabled={busy}
              aria-label={t('portalBadgeActivateLabel', item.displayName)}
              aria-description={t('portalBadgeConfirmFirst')}
              onClick={act('activate')}
            >
              {t('portalBadgeActivate')}
            </button>
          )}
        </div>
        {waitText && <span class="pc-hint">{t('portalBadgeDeactivateIn', waitText)}</span>}
      </div>
    </li>
  );
}
