import { describe, expect, it } from 'vitest';
import {
  Template,
  applyImport,
  exportLibrary,
  formatPath,
  justificationText,
  parseImport,
  planImport,
  renderJustification,
  validateJustification,
  type TemplateLibrary,
} from '../../../lib/pim/templates';
import { english } from '../i18n/messages';

const now = new Date('2026-11-22T10:00:00Z');
const ctx = { displayName: 'Exchange Administrator', kind: 'role' as const, now, locale: 'en-GB', timeZone: 'UTC' };

describe('renderJustification', () => {
  it.each([
    ['Mail flow change for {role}', {}, 'Mail flow change for Exchange Administrator'],
    ['{group} membership for the release', {}, 'Exchange Administrator membership for the release'],
    ['Change on {date}', {}, 'Change on 22 Nov 2026'],
    ['Ticket {ticket}: {role}', { ticketNumber: 'INC0012' }, 'Ticket INC0012: Exchange Administrator'],
    ['{ROLE} and {Date}', {}, 'Exchange Administrator and 22 Nov 2026'],
    ['No placeholders', {}, 'No placeholders'],
  ])('%j → %j', (justification, over, text) => {
    expect(renderJustification({ justification }, { ...ctx, ...over })).toEqual({ text, unknown: [], unfilled: [] });
  });

  it('uses the template ticket number unless the form gives one', () => {
    expect(renderJustification({ justification: '{ticket}', ticketNumber: 'CHG1' }, ctx).text).toBe('CHG1');
    expect(
      renderJustification({ justification: '{ticket}', ticketNumber: 'CHG1' }, { ...ctx, ticketNumber: 'CHG2' }).text,
    ).toBe('CHG2');
  });

  it('leaves unknown placeholders as typed and reports them', () => {
    expect(renderJustification({ justification: 'Fix {reason} for {role} ({reason})' }, ctx)).toEqual({
      text: 'Fix {reason} for Exchange Administrator ({reason})',
      unknown: ['{reason}'],
      unfilled: [],
    });
  });

  it('leaves {ticket} as typed when there is no ticket number and reports it unfilled', () => {
    expect(renderJustification({ justification: 'Work on {ticket}' }, ctx)).toEqual({
      text: 'Work on {ticket}',
      unknown: [],
      unfilled: ['ticket'],
    });
  });

  it('formats {date} in the given locale', () => {
    expect(renderJustification({ justification: '{date}' }, { ...ctx, locale: 'en-US' }).text).toBe('Nov 22, 2026');
    expect(renderJustification({ justification: '{date}' }, { ...ctx, locale: 'de-DE' }).text).toBe('22.11.2026');
  });
});

describe('validateJustification', () => {
  const codes = (text: string) => {
    const r = validateJustification(text);
    return { errors: r.errors.map((e) => e.code), warnings: r.warnings.map((w) => w.code) };
  };

  it.each([
    ['Update the transport rule for change CHG0042', [], []],
    ['', ['empty'], []],
    ['   \n ', ['empty'], []],
    ['a'.repeat(499) + ' ', [], ['vague']],
    [`${'word '.repeat(100).trim()}`, [], []], // 499 characters
    [`  ${'x'.repeat(500)}  `, [], ['vague']], // exactly 500 after trim
    ['x'.repeat(501), ['too-long'], ['vague']],
    ['🔥'.repeat(500), [], ['vague']], // 500 characters a person sees (1000 UTF-16 units)
    ['Rotate cert\u0000 now', ['control-characters'], []],
    ['Rotate cert\u001b[31m now', ['control-characters'], []],
    ['Rotate cert \u202Eton won', ['control-characters'], []],
    ['Rotate cert\u0085 now', ['control-characters'], []],
    ['Line one\nline two\twith tab\r\n', [], []],
    ['BAU', [], ['vague']],
    ['admin', [], ['vague']],
    ['test.', [], ['vague']],
    ['Work', [], ['vague']],
    ['admin work', [], ['vague']],
    ['Business as usual', [], ['vague']],
  ])('%j', (text, errors, warnings) => {
    expect(codes(text)).toEqual({ errors, warnings });
  });

  it('says what to do in each message', () => {
    expect(justificationText(validateJustification('x'.repeat(501)).errors[0]!, english)).toBe(
      'The reason is 501 characters long; shorten it to 500 or fewer.',
    );
    expect(justificationText(validateJustification('BAU').warnings[0]!, english)).toMatch(/^“BAU” says little/);
    expect(justificationText(validateJustification(' ').errors[0]!, english)).toBe(
      'Enter a reason for the activation.',
    );
    expect(justificationText(validateJustification('a\u202Eb c').errors[0]!, english)).toMatch(
      /invisible control characters/,
    );
  });
});

const tpl = (id: string, name: string, extra: Partial<Template> = {}): Template => ({
  id,
  name,
  justification: `Reason for ${name} on {date}`,
  ...extra,
});
const bundle = (id: string, name: string) => ({ id, name, items: ['role:r1:/', 'group:g1:member'] });

describe('import / export', () => {
  const library: TemplateLibrary = {
    templates: [
      tpl('t1', 'Exchange change', { ticketSystem: 'ServiceNow', durationMinutes: 120 }),
      tpl('t2', 'Incident'),
    ],
    bundles: [{ ...bundle('b1', 'Exchange work'), templateId: 't1', durationMinutes: 60 }],
  };

  it('round-trips an export', () => {
    const text = exportLibrary(library);
    expect(JSON.parse(text)).toMatchObject({ format: 'pim-companion-templates', version: 1 });
    expect(parseImport(text, english)).toEqual({ ok: true, data: library });
  });

  it('accepts a file with only templates', () => {
    expect(
      parseImport(
        JSON.stringify({ format: 'pim-companion-templates', version: 1, templates: [tpl('a', 'A')] }),
        english,
      ),
    ).toEqual({
      ok: true,
      data: { templates: [tpl('a', 'A')], bundles: [] },
    });
  });

  const file = (over: object) =>
    JSON.stringify({
      format: 'pim-companion-templates',
      version: 1,
      templates: [tpl('a', 'A'), tpl('b', 'B'), tpl('c', 'C')],
      bundles: [],
      ...over,
    });

  it.each([
    ['not JSON', '{"format": ', /^The file is not valid JSON/],
    ['a JSON array', '[]', /expected a JSON object/],
    [
      'another format',
      JSON.stringify({ format: 'something-else', version: 1, templates: [] }),
      /^format: is not "pim-companion-templates"/,
    ],
    [
      'a newer version',
      file({ version: 2 }),
      /^version: the file was made by a newer PIM Companion \(format version 2\)/,
    ],
    [
      'a too-long justification in the third template',
      file({ templates: [tpl('a', 'A'), tpl('b', 'B'), tpl('c', 'C', { justification: 'x'.repeat(501) })] }),
      /^templates\[2\]\.justification: is longer than 500 characters$/,
    ],
    ['a missing name', file({ templates: [{ id: 'a', justification: 'x' }] }), /^templates\[0\]\.name: /],
    [
      'a fractional duration',
      file({ templates: [tpl('a', 'A', { durationMinutes: 12.5 })] }),
      /^templates\[0\]\.durationMinutes: must be whole minutes/,
    ],
    [
      'a bad bundle key',
      file({ bundles: [{ id: 'b', name: 'B', items: ['exchange'] }] }),
      /^bundles\[0\]\.items\[0\]: is not a role or group key/,
    ],
    [
      'an empty bundle',
      file({ bundles: [{ id: 'b', name: 'B', items: [] }] }),
      /^bundles\[0\]\.items: needs at least one/,
    ],
    [
      'a duplicate template id',
      file({ templates: [tpl('a', 'A'), tpl('a', 'Other')] }),
      /^templates\[1\]\.id: "a" is also used by templates\[0\]/,
    ],
    [
      'a duplicate template name (case-insensitive)',
      file({ templates: [tpl('a', 'Incident'), tpl('b', 'incident ')] }),
      /^templates\[1\].name: "incident" is also used by templates\[0\]/,
    ],
  ])('rejects %s and says where', (_, text, error) => {
    const r = parseImport(text, english);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });

  it('lists at most three problems', () => {
    const bad = file({ templates: [1, 2, 3, 4, 5] });
    const r = parseImport(bad, english);
    expect(!r.ok && r.error).toMatch(/^templates\[0\]: .*; templates\[1\]: .*; templates\[2\]: .* \(and 2 more\)$/);
  });

  it('formats paths', () => {
    expect(formatPath(['templates', 2, 'justification'])).toBe('templates[2].justification');
    expect(formatPath([])).toBe('');
  });
});

describe('planImport / applyImport', () => {
  const existing: TemplateLibrary = {
    templates: [tpl('t1', 'Exchange change'), tpl('t2', 'Incident'), tpl('t3', 'Audit')],
    bundles: [bundle('b1', 'Exchange work')],
  };

  it('reports what would be overwritten (same id or same name) and what is new', () => {
    const incoming: TemplateLibrary = {
      templates: [tpl('t1', 'Exchange change v2'), tpl('x9', 'INCIDENT'), tpl('n1', 'New one')],
      bundles: [bundle('b2', 'exchange work'), bundle('b3', 'Other')],
    };
    const plan = planImport(existing, incoming);
    expect(plan.templates.added.map((t) => t.id)).toEqual(['n1']);
    expect(plan.templates.overwritten.map((o) => [o.incoming.id, o.replaces.map((r) => r.id)])).toEqual([
      ['t1', ['t1']],
      ['x9', ['t2']],
    ]);
    expect(plan.bundles.overwritten.map((o) => [o.incoming.id, o.replaces.map((r) => r.id)])).toEqual([['b2', ['b1']]]);
    expect(plan.bundles.added.map((b) => b.id)).toEqual(['b3']);

    const merged = applyImport(existing, plan);
    expect(merged.templates.map((t) => `${t.id}:${t.name}`)).toEqual([
      't1:Exchange change v2',
      'x9:INCIDENT',
      't3:Audit',
      'n1:New one',
    ]);
    expect(merged.bundles.map((b) => b.id)).toEqual(['b2', 'b3']);
  });

  it('an incoming template matching one by id and another by name replaces both', () => {
    const plan = planImport(existing, { templates: [tpl('t1', 'Audit')], bundles: [] });
    expect(plan.templates.overwritten[0]!.replaces.map((t) => t.id)).toEqual(['t1', 't3']);
    expect(applyImport(existing, plan).templates.map((t) => `${t.id}:${t.name}`)).toEqual(['t1:Audit', 't2:Incident']);
  });

  it('nothing to confirm when everything is new', () => {
    const plan = planImport(existing, { templates: [tpl('n', 'N')], bundles: [] });
    expect(plan.templates.overwritten).toEqual([]);
    expect(plan.bundles).toEqual({ added: [], overwritten: [] });
  });
});
