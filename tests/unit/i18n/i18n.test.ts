import { describe, expect, it } from 'vitest';
import { listText, plural, t, translator } from '../../../lib/i18n';
import { formatMinutes } from '../../../lib/pim/duration';
import { describeError } from '../../../lib/pim/errors';
import { justificationText, parseImport, validateJustification } from '../../../lib/pim/templates';
import { toolbarState } from '../../../lib/background/toolbar';
import { bokmal, english, getMessageFrom, LOCALES } from './messages';

describe('translator', () => {
  it('substitutes in order and takes its language from @@ui_locale', () => {
    expect(english('actActivateTooltipTemplate', '1 h', 'Mail flow')).toBe(
      'Activate now for 1 h with the template “Mail flow”',
    );
    expect(bokmal('actActivateTooltipTemplate', '1 t', 'E-postflyt')).toBe('Aktiver nå i 1 t med malen «E-postflyt»');
    expect(translator(getMessageFrom(LOCALES.en!, 'en_GB')).locale).toBe('en-GB');
    expect(bokmal.locale).toBe('nb');
  });

  it('shows the key of a message that is missing rather than nothing', () => {
    const empty = translator(() => '');
    expect(empty('sectionActive')).toBe('sectionActive');
    expect(empty.locale).toBe('en');
  });

  it('t() reads browser.i18n (English in unit tests)', () => {
    expect(t('sectionEligible')).toBe('Eligible');
  });
});

describe('plural', () => {
  it.each([
    [english, 1, '1 day'],
    [english, 2, '2 days'],
    [english, 0, '0 days'],
    [bokmal, 1, '1 dag'],
    [bokmal, 14, '14 dager'],
  ])('picks the form Intl.PluralRules selects (%#)', (tr, count, text) => {
    expect(plural(tr, 'durationDays', count)).toBe(text);
  });

  it('passes further substitutions after the count', () => {
    expect(plural(english, 'notifyEligibilityTitle', 3, 'Exchange Administrator')).toBe(
      'Your eligibility for Exchange Administrator ends in 3 days',
    );
    expect(plural(bokmal, 'notifyEligibilityTitle', 3, 'Exchange-administrator')).toBe(
      'Kvalifiseringen din for Exchange-administrator slutter om 3 dager',
    );
  });

  it('falls back to the _other form for a category the language file lacks (e.g. Polish "few")', () => {
    const polishUiEnglishMessages = translator(getMessageFrom(LOCALES.en!, 'pl'));
    expect(plural(polishUiEnglishMessages, 'toolbarPending', 3)).toBe('3 requests waiting for approval');
  });
});

describe('lists', () => {
  it('joins in the language of the messages', () => {
    expect(listText(bokmal, ['en begrunnelse', 'et saksnummer'])).toBe('en begrunnelse og et saksnummer');
    expect(listText(english, ['a reason', 'a ticket number'])).toBe('a reason and a ticket number');
  });
});

describe('pure code in Norwegian', () => {
  it('error sentences', () => {
    const d = describeError(
      {
        status: 400,
        code: 'RoleAssignmentRequestPolicyValidationFailed',
        message: 'The following policy rules failed: ["JustificationRule","ExpirationRule"]',
      },
      { displayName: 'Exchange-administrator', action: 'activate', maxMinutes: 105 },
      bokmal,
    );
    expect(d.text).toBe(
      'Exchange-administrator trenger en begrunnelse og en kortere varighet (høyst 1 t 45 min) for å bli aktivert.',
    );
    expect(d.next).toBe('Fyll ut det uthevede feltet og prøv igjen.');
    expect(
      describeError(
        { status: 403 },
        { displayName: 'Global administrator', action: 'deactivate', kind: 'role' },
        bokmal,
      ).text,
    ).toMatch(/^PIM Companion har ikke lov til å deaktivere Global administrator: /);
  });

  it('durations', () => {
    expect(formatMinutes(105, bokmal)).toBe('1 t 45 min');
    expect(formatMinutes(2 * 1440, bokmal)).toBe('2 dager');
    expect(formatMinutes(1440, english)).toBe('1 day');
  });

  it('justification and import problems', () => {
    expect(justificationText(validateJustification('').errors[0]!, bokmal)).toBe(
      'Skriv inn en begrunnelse for aktiveringen.',
    );
    const r = parseImport(
      JSON.stringify({
        format: 'pim-companion-templates',
        version: 1,
        templates: [{ id: 'a', name: '', justification: 'x' }],
      }),
      bokmal,
    );
    expect(r).toEqual({ ok: false, error: 'templates[0].name: er tomt' });
  });

  it('the toolbar tooltip', () => {
    const state = toolbarState(
      null,
      { warningThresholdMinutes: 10 } as Parameters<typeof toolbarState>[1],
      0,
      { locale: 'nb', timeZone: 'UTC' },
      bokmal,
    );
    expect(state.title).toBe('PIM Companion');
  });
});
