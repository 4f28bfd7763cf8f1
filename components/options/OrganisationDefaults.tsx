/**
 * Reason templates and bundles set by the organisation (managed policy, lib/managed.ts): read-only, listed next to
 * the user's own, which the sections below edit. Props in only.
 */
import { t } from '../../lib/i18n';
import type { Bundle } from '../../lib/pim/bundles';
import type { Template } from '../../lib/pim/templates';

export interface OrganisationDefaultsProps {
  templates: Template[];
  bundles: Bundle[];
}

export function OrganisationDefaults({ templates, bundles }: OrganisationDefaultsProps) {
  return (
    <div data-testid="organisation-defaults">
      <p class="field-hint">{t('managedSetByOrg')}</p>
      {templates.length > 0 && (
        <>
          <h3>{t('managedTemplates')}</h3>
          <ul class="managed-list" data-testid="managed-templates">
            {templates.map((tpl) => (
              <li key={tpl.id} data-id={tpl.id}>
                <strong>{tpl.name}</strong>
                <p class="field-hint">{tpl.justification}</p>
              </li>
            ))}
          </ul>
        </>
      )}
      {bundles.length > 0 && (
        <>
          <h3>{t('managedBundles')}</h3>
          <ul class="managed-list" data-testid="managed-bundles">
            {bundles.map((b) => (
              <li key={b.id} data-id={b.id}>
                <strong>{b.name}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
