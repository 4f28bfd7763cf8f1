/**
 * The switch for Azure resource roles: on, PIM Companion reads and activates them through Azure Resource Manager; off,
 * no ARM token is asked for and no ARM request is made. Locked when the organisation switched them off
 * (managed `disableAzureRoles`). Props in, events out.
 */
import { t } from '../../lib/i18n';

export interface AzureRolesToggleProps {
  enabled: boolean;
  /** Set by the organisation: shown, not editable. */
  locked: boolean;
  onChange(enabled: boolean): void;
}

export function AzureRolesToggle({ enabled, locked, onChange }: AzureRolesToggleProps) {
  return (
    <div class="field" data-testid="azure-roles">
      <label>
        <input
          type="checkbox"
          checked={enabled}
          disabled={locked}
          data-testid="azure-roles-toggle"
          onChange={(e) => onChange(e.currentTarget.checked)}
        />{' '}
        {t('optAzureRoles')}
      </label>
      <p class="field-hint">{locked ? t('optAzureRolesLocked') : t('optAzureRolesHint')}</p>
    </div>
  );
}
