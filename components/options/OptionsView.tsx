/**
 * The options page as sections (Connection, Account; templates and activity come later). Props in, events out: the
 * entrypoint reads and writes storage and sends messages.
 */
import type { ComponentChildren } from 'preact';
import { t } from '../../lib/i18n';
import type { AuthState, Connection } from '../../lib/storage';
import { AccountSection } from './AccountSection';
import { ConnectionForm } from './ConnectionForm';
import { RedirectUri } from './RedirectUri';
import './options.css';

export interface OptionsViewProps {
  connection: Connection | null;
  auth: AuthState;
  /** https://<extension id>.chromiumapp.org/ : what the app registration must list as a SPA redirect URI. */
  redirectUri: string;
  onSaveConnection(connection: Connection): Promise<void>;
  onCopy(text: string): Promise<void>;
  onSignIn(): void;
  onSignOut(): void;
}

export function OptionsView(props: OptionsViewProps) {
  return (
    <div class="options">
      <h1>{t('optionsTitle')}</h1>
      <OptionsSection id="connection" title={t('connectionTitle')} intro={t('connectionIntro')}>
        <ConnectionForm initial={props.connection} onSave={props.onSaveConnection} />
        <RedirectUri uri={props.redirectUri} onCopy={props.onCopy} />
      </OptionsSection>
      <OptionsSection id="account" title={t('accountTitle')}>
        <AccountSection auth={props.auth} configured={props.connection !== null} onSignIn={props.onSignIn} onSignOut={props.onSignOut} />
      </OptionsSection>
    </div>
  );
}

export function OptionsSection({ id, title, intro, children }: { id: string; title: string; intro?: string; children: ComponentChildren }) {
  return (
    <section class="options-section" id={id} aria-labelledby={`${id}-title`} data-testid={`options-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {intro && <p class="section-intro">{intro}</p>}
      {children}
    </section>
  );
}
