import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  initialValues,
  memoryOf,
  mergeRules,
  rulesFor,
  type ActivationData,
} from '../../../components/activation/rules';
import { formRules } from '../../../lib/pim/policy';
import { formatMinutes } from '../../../lib/pim/duration';
import { t } from '../../../lib/i18n';
import { OTHER_TEMPLATE, policy, TEMPLATE } from './activation-fixtures';
import { assignment, FORMAT, installMessages, NOW } from './fixtures';

const KEY = 'role:exo:/';
const EXO = assignment({ key: KEY, displayName: 'Exchange Administrator' });
const data = (overrides: Partial<ActivationData> = {}): ActivationData => ({
  templates: [OTHER_TEMPLATE, TEMPLATE],
  bundles: [],
  remembered: {},
  policies: {},
  ...overrides,
});
const remember = (r: Partial<ActivationData['remembered'][string]>) => ({
  [KEY]: { templateId: null, durationMinutes: null, ticketNumber: null, ticketSystem: null, justification: null, ...r },
});

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});

describe('memoryOf', () => {
  it('uses the remembered template, with the remembered ticket over the template one', () => {
    const m = memoryOf(
      KEY,
      data({ remembered: remember({ templateId: TEMPLATE.id, ticketNumber: 'INC-1', durationMinutes: 45 }) }),
    );
    expect(m.template?.name).toBe('Daily Exchange work');
    expect(m.rules).toEqual({
      template: expect.objectContaining({ justification: TEMPLATE.justification, ticketNumber: 'INC-1' }),
      durationMinutes: 45,
    });
  });

  it('a typed reason counts as the template for one click; a deleted template does not', () => {
    expect(
      memoryOf(KEY, data({ remembered: remember({ justification: 'Typed reason for the change' }) })).rules.template
        ?.justification,
    ).toBe('Typed reason for the change');
    expect(memoryOf(KEY, data({ remembered: remember({ templateId: 'gone' }) })).rules).toEqual({});
  });
});

describe('rules for several items', () => {
  it('is the union of requirements with the shortest maximum', () => {
    const merged = mergeRules([
      formRules({ ...policy({ requireJustification: true, maxMinutes: 105 }).policy! }),
      formRules({ ...policy({ requireTicket: true, approvalRequired: true, authContext: 'c1' }).policy! }),
    ]);
    expect(merged.fields).toEqual({
      justification: 'required',
      ticket: 'required',
      duration: { max: 105, default: 60 },
    });
    expect(merged.missing).toEqual(['justification', 'ticket']);
    expect(merged).toMatchObject({ oneClickReady: false, approvalRequired: true, stepUp: { acrs: 'c1' } });
  });

  it('a key without a stored policy asks for a reason', () => {
    expect(rulesFor([KEY], data()).missing).toEqual(['justification']);
    expect(rulesFor([KEY], data({ policies: { [KEY]: policy() } })).oneClickReady).toBe(true);
  });
});

describe('initialValues', () => {
  const ctx = { targets: [EXO], now: NOW, format: FORMAT };
  it('starts from the last used template, rendered', () => {
    const d = data({ remembered: remember({ templateId: TEMPLATE.id }) });
    const v = initialValues([KEY], rulesFor([KEY], d), d, ctx);
    expect(v).toMatchObject({
      templateId: TEMPLATE.id,
      lastUsedTemplateId: TEMPLATE.id,
      justification: 'Mail flow changes on Exchange Administrator for CHG-100',
      ticketNumber: 'CHG-100',
    });
  });

  it('without history: the first template, not marked as last used', () => {
    const v = initialValues([KEY], rulesFor([KEY], data()), data(), ctx);
    expect(v).toMatchObject({
      templateId: OTHER_TEMPLATE.id,
      lastUsedTemplateId: null,
      justification: 'Incident response on Exchange Administrator',
      durationMinutes: 60,
    });
  });
});

it('formatMinutes says lengths the way the picker shows them', () => {
  expect([30, 60, 105, 480].map((m) => formatMinutes(m, t))).toEqual(['30 min', '1 h', '1 h 45 min', '8 h']);
});
