/** Account header: who is signed in to which tenant, Refresh, and a menu with Settings and Sign out. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import type { Account } from '../../lib/storage';
import { MoreIcon, RefreshIcon } from './Icons';

export interface HeaderProps {
  account: Account | null;
  /** How to name the tenant: the configured domain when there is one, else the tenant id. */
  tenantLabel: string | null;
  refreshing: boolean;
  /** Refresh is offered only when signed in. */
  onRefresh?: () => void;
  onOpenSettings(): void;
  onSignOut?: () => void;
  /** The account switcher (issue 16), shown above the account's name when there are several. */
  switcher?: ComponentChildren;
}

export function Header({
  account,
  tenantLabel,
  refreshing,
  onRefresh,
  onOpenSettings,
  onSignOut,
  switcher,
}: HeaderProps) {
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!menuOpen) return undefined;
    menu.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent) {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        menuButton.current?.focus();
      } else if (menu.current?.contains(e.target as Node) || menuButton.current?.contains(e.target as Node)) {
        return;
      }
      setMenuOpen(false);
    };
    document.addEventListener('keydown', close);
    document.addEventListener('pointerdown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('pointerdown', close);
    };
  }, [menuOpen]);

  const choose = (action: () => void) => () => {
    setMenuOpen(false);
    action();
  };

  return (
    <header class="header">
      <div class="header-who">
        {switcher}
        {account ? (
          <>
            <div class="header-name" data-testid="account-name">
              {account.name || account.username}
            </div>
            <div class="header-sub" title={tenantLabel ? `${account.username} · ${tenantLabel}` : account.username}>
              <span data-testid="account-upn">{account.username}</span>
              {tenantLabel && (
                <>
                  <span aria-hidden="true"> · </span>
                  <span data-testid="account-tenant">{tenantLabel}</span>
                </>
              )}
            </div>
          </>
        ) : (
          <div class="header-name">{t('appName')}</div>
        )}
      </div>
      <div class="header-actions">
        {onRefresh && (
          <button
            type="button"
            class="btn-icon"
            onClick={onRefresh}
            aria-label={refreshing ? t('refreshing') : t('refresh')}
            title={refreshing ? t('refreshing') : t('refresh')}
            aria-busy={refreshing}
            data-testid="refresh"
          >
            <RefreshIcon class={refreshing ? 'spin' : undefined} />
          </button>
        )}
        <button
          type="button"
          class="btn-icon"
          ref={menuButton}
          aria-haspopup="menu"
          aria-expanded={menuOpen}
          aria-label={t('menuLabel')}
          title={t('menuLabel')}
          onClick={() => setMenuOpen(!menuOpen)}
          data-testid="menu"
        >
          <MoreIcon />
        </button>
        {menuOpen && (
          <div class="menu" role="menu" ref={menu}>
            <button type="button" role="menuitem" class="menu-item" onClick={choose(onOpenSettings)}>
              {t('menuSettings')}
            </button>
            {onSignOut && (
              <button
                type="button"
                role="menuitem"
                class="menu-item"
                onClick={choose(onSignOut)}
                data-testid="sign-out"
              >
                {t('signOut')}
              </button>
            )}
          </div>
        )}
      </div>
    </header>
  );
}
