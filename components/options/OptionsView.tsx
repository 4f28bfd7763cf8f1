/**
 * The options page as sections (Connection, Account, and with `library` Reason templates, Bundles, Activity). Props in,
 * events out: the entrypoint reads and writes storage and sends messages.
 */
import type { ComponentChildren } from 'preact';
import { t } from '../../lib/i18n';
import type { AuthState, Connection } from '../../lib/storage';
import { AccountSection } from './AccountSection';
import { AccountsSection, type AccountsSectionProps } from './AccountsSection';
import { LibraryAccountsContext } from './AccountScope';
import { ActivitySection, type ActivitySectionProps } from './ActivitySection';
import { BundlesSection, type BundlesSectionProps } from './BundlesSection';
import { CheckConnection, type CheckConnectionProps } from './CheckConnection';
import { AzureRolesToggle, type AzureRolesToggleProps } from './AzureRolesToggle';
import { ConnectionForm, type ConnectionFormProps } from './ConnectionForm';
import { OrganisationDefaults, type OrganisationDefaultsProps } from './OrganisationDefaults';
import { RedirectUri } from './RedirectUri';
import { TemplatesSection, type TemplatesSectionProps } from './TemplatesSection';
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
  /** Reason templates, bundles and activity history (issue 3); the sections are shown when this is given. */
  library?: LibraryProps;
  /** Connection fields set by managed policy (lib/managed.ts): shown locked. */
  locked?: ConnectionFormProps['locked'];
  /** Check connection (per-permission report); shown when given. */
  check?: CheckConnectionProps;
  /** Azure resource roles on or off (settings.azureRoles; locked by managed disableAzureRoles). */
  azure?: AzureRolesToggleProps;
  /** The organisation's read-only templates and bundles; the section is shown when either list has entries. */
  organisation?: OrganisationDefaultsProps;
  /** The accounts (issue 16); the Connection and Account sections are about `accounts.selected`. */
  accounts?: AccountsSectionProps;
}

/** Everything the templates, bundles and activity sections need; the entrypoint reads and writes the storage items. */
export interface LibraryProps {
  templates: TemplatesSectionProps['templates'];
  bundles: BundlesSectionProps['bundles'];
  activity: ActivitySectionProps['entries'];
  /** The snapshot's assignments (bundle choices, preview role); null before the first refresh. */
  assignments: BundlesSectionProps['assignments'];
  /** For {role} in the template preview. */
  sampleRole: string;
  now(): Date;
  format: TemplatesSectionProps['format'];
  newId(): string;
  onSaveTemplates: TemplatesSectionProps['onSave'];
  onSaveBundles: BundlesSectionProps['onSave'];
  /** A confirmed import: the whole library after applyImport. */
  onImport: TemplatesSectionProps['onImport'];
  onClearActivity: ActivitySectionProps['onClear'];
  onDownload: TemplatesSectionProps['onDownload'];
}

export function OptionsView(props: OptionsViewProps) {
  return (
    <div class="options">
      <h1>{t('optionsTitle')}</h1>
      {props.accounts && (
        <OptionsSection id="accounts" title={t('optAccountsTitle')} intro={t('optAccountsIntro')}>
          <AccountsSection {...props.accounts} />
        </OptionsSection>
      )}
      {props.accounts && props.accounts.accounts.length > 1 && (
        <p class="account-editing" data-testid="account-editing">
          {t(
            'optAccountEditing',
            props.accounts.accounts.find((a) => a.id === props.accounts?.selected)?.label ?? props.accounts.selected,
          )}
        </p>
      )}
      <OptionsSection id="connection" title={t('connectionTitle')} intro={t('connectionIntro')}>
        <ConnectionForm
          key={props.accounts?.selected}
          initial={props.connection}
          onSave={props.onSaveConnection}
          locked={props.locked}
        />
        <RedirectUri uri={props.redirectUri} onCopy={props.onCopy} />
        {props.azure && <AzureRolesToggle {...props.azure} />}
        {props.check && <CheckConnection {...props.check} />}
      </OptionsSection>
      <OptionsSection id="account" title={t('accountTitle')}>
        <AccountSection
          auth={props.auth}
          configured={props.connection !== null}
          onSignIn={props.onSignIn}
          onSignOut={props.onSignOut}
        />
      </OptionsSection>
      {props.organisation && (props.organisation.templates.length > 0 || props.organisation.bundles.length > 0) && (
        <OptionsSection id="organisation" title={t('managedTitle')}>
          <OrganisationDefaults {...props.organisation} />
        </OptionsSection>
      )}
      {props.library && (
        <LibraryAccountsContext.Provider
          value={{
            accounts: props.accounts?.accounts.map((a) => ({ id: a.id, label: a.label })) ?? [],
            selected: props.accounts?.selected ?? '',
          }}
        >
          <LibrarySections {...props.library} />
        </LibraryAccountsContext.Provider>
      )}
    </div>
  );
}

export function OptionsSection({
  id,
  title,
  intro,
  children,
}: {
  id: string;
  title: string;
  intro?: string;
  children: ComponentChildren;
}) {
  return (
    <section class="options-section" id={id} aria-labelledby={`${id}-title`} data-testid={`options-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {intro && <p class="section-intro">{intro}</p>}
      {children}
    </section>
  );
}

function LibrarySections(lib: LibraryProps) {
  return (
    <>
      <OptionsSection id="templates" title={t('optTemplatesTitle')} intro={t('optTemplatesIntro')}>
        <TemplatesSection
          templates={lib.templates}
          bundles={lib.bundles}
          sampleRole={lib.sampleRole}
          now={lib.now}
          format={lib.format}
          newId={lib.newId}
          onSave={lib.onSaveTemplates}
          onImport={lib.onImport}
          onDownload={lib.onDownload}
        />
      </OptionsSection>
      <OptionsSection id="bundles" title={t('optBundlesTitle')} intro={t('optBundlesIntro')}>
        <BundlesSection
          bundles={lib.bundles}
          templates={lib.templates}
          assignments={lib.assignments}
          newId={lib.newId}
          onSave={lib.onSaveBundles}
        />
      </OptionsSection>
      <OptionsSection id="activity" title={t('optActivityTitle')} intro={t('optActivityIntro')}>
        <ActivitySection
          entries={lib.activity}
          now={lib.now().getTime()}
          format={lib.format}
          onClear={lib.onClearActivity}
          onDownload={lib.onDownload}
        />
      </OptionsSection>
    </>
  );
}
