/**
 * The portal badge: a small pill in a corner (soonest countdown, warning colour near the end) that unfolds into the
 * list of assignments that matter on this portal. Props in, events out; every handler ignores untrusted events.
 */
import { t } from '../../lib/i18n';
import type { Corner } from '../../lib/pim/portals';
import { parseTime } from '../../lib/pim/time';
import type { PortalCommand } from '../../lib/portal/client';
import { badgeTimeLeft, type BadgeModel, type BadgeNotice } from '../../lib/portal/view';
import { timeLeftText } from '../popup/labels';
import { BadgeRow } from './BadgeRow';
import { trusted } from './trusted';
import type { BadgeAccount } from '../../lib/portal/store';

export interface BadgeProps {
  portalName: string;
  model: BadgeModel;
  now: number;
  warnMs: number;
  corner: Corner;
  collapsed: boolean;
  /** Keys with a command in flight (their buttons are disabled). */
  busy: ReadonlySet<string>;
  notice: BadgeNotice | null;
  /** Deactivate acts at once (the badge proved it is visible); otherwise it asks in the extension's window first. */
  oneClickDeactivate: boolean;
  onToggle(): void;
  onMove(): void;
  onCommand(command: PortalCommand, key: string): void;
  onReload(): void;
  onDismiss(): void;
  /** The account the rows belong to (several accounts, issue 16), and the ones the user may switch to. */
  account?: BadgeAccount | null;
  accounts?: readonly BadgeAccount[];
  onPickAccount?: (id: string) => void;
}

const NOTICES = {
  done: 'portalBadgeDone',
  scheduled: 'portalBadgeScheduled',
  'pending-approval': 'portalBadgePendingApproval',
  'in-progress': 'portalBadgeInProgress',
  'form-opened': 'portalBadgeFormOpened',
  'confirm-opened': 'portalBadgeConfirmOpened',
} as const;

export function Badge(p: BadgeProps) {
  const { model, now } = p;
  const active = model.items.filter((i) => i.state === 'active');
  const soonest = active.find((i) => i.endDateTime !== null);
  const left = soonest ? badgeTimeLeft(soonest.endDateTime, now) : null;
  const soonestEnd = soonest ? parseTime(soonest.endDateTime) : null;
  const warning = soonestEnd !== null && soonestEnd - now < p.warnMs;
  return (
    <div
      class={`pc-badge pc-${p.corner}`}
      role="region"
      aria-label={t('portalBadgeRegion', p.portalName)}
      data-testid="pim-badge"
    >
      <button
        class={warning ? 'pc-pill is-warning' : 'pc-pill'}
        aria-expanded={!p.collapsed}
        aria-controls="pc-panel"
        onClick={trusted(p.onToggle)}
      >
        <span class="pc-dot" aria-hidden="true" style={p.account ? { background: p.account.colour } : undefined} />
        <span>{active.length > 0 ? t('portalBadgeActiveCount', active.length) : t('portalBadgeNoneActive')}</span>
        {left && <span class="pc-pill-time">{timeLeftText(left)}</span>}
        {model.needsReload && <span class="pc-pill-reload">{t('portalBadgeReload')}</span>}
      </button>
      {/* Folded, the panel stays (the pill controls it) but holds nothing: a hidden list would keep a DOM node and
          its wrapper in the page's heap per element for as long as the badge stays folded (issue 18). */}
      <div class="pc-panel" id="pc-panel" hidden={p.collapsed}>
        {!p.collapsed && (
          <>
            <div class="pc-head">
              <span class="pc-head-title">{t('portalBadgeTitle', p.portalName)}</span>
              {p.account && (p.accounts?.length ?? 0) < 2 && (
                <span class="pc-account" style={{ borderColor: p.account.colour }} data-testid="badge-account">
                  {p.account.label}
                </span>
              )}
              {p.account && p.accounts && p.accounts.length > 1 && (
                <select
                  class="pc-account"
                  aria-label={t('portalBadgeAccount')}
                  data-testid="badge-account"
                  value={p.account.id}
                  onChange={(e) => {
                    // Only the user's own change (an event the page dispatches is not trusted).
                    if (!e.isTrusted) return;
                    p.onPickAccount?.((e.target as HTMLSelectElement).value);
                  }}
                >
                  {p.accounts.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.label}
                    </option>
                  ))}
                </select>
              )}
              <button class="pc-icon" aria-label={t('portalBadgeMove')} onClick={trusted(p.onMove)}>
                <span aria-hidden="true">⤢</span>
              </button>
            </div>
            {model.needsReload && (
              <div class="pc-reload">
                <span>{t('portalBadgeReloadHint')}</span>
                <button class="pc-btn pc-primary" onClick={trusted(p.onReload)}>
                  {t('portalBadgeReload')}
                </button>
              </div>
            )}
            {p.notice && (
              <div class={p.notice.kind === 'error' ? 'pc-notice is-error' : 'pc-notice'} role="status">
                <span>{p.notice.kind === 'error' ? p.notice.message : t(NOTICES[p.notice.outcome])}</span>
                <button class="pc-icon" aria-label={t('portalBadgeDismiss')} onClick={trusted(p.onDismiss)}>
                  <span aria-hidden="true">×</span>
                </button>
              </div>
            )}
            <ul class="pc-list">
              {model.items.map((item) => (
                <BadgeRow
                  key={item.key + item.state}
                  item={item}
                  now={now}
                  warnMs={p.warnMs}
                  busy={p.busy.has(item.key)}
                  oneClickDeactivate={p.oneClickDeactivate}
                  onCommand={p.onCommand}
                />
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}
