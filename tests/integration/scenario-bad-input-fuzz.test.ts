/**
 * Bad input, fuzzed with fast-check: the template import parser and the Graph parsers (list items, error bodies,
 * Retry-After, claims) take anything a file or a server can hand them without throwing, and what they accept is valid.
 */
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { parseImport, exportLibrary, Template } from '../../lib/pim/templates';
import { Bundle } from '../../lib/pim/bundles';
import { translator } from '../../lib/i18n';
import { parseGraphError, parseRetryAfter, claimsFromMessage, claimsFromChallenge } from '../../lib/graph/errors';
import {
  parseList,
  RoleEligibilityInstance,
  RoleAssignmentInstance,
  GroupEligibilityInstance,
  RoleRequest,
} from '../../lib/graph/schemas';
import {
  roleEligibleToAssignment,
  roleActiveToAssignment,
  groupEligibleToAssignment,
  rolePendingToAssignment,
} from '../../lib/graph/mappers';
import { Assignment } from '../../lib/pim/model';

vi.spyOn(console, 'warn').mockImplementation(() => {});
const tr = translator((name, subs) => `${name}${subs?.length ? `(${subs.join(',')})` : ''}`);
const RUNS = { numRuns: 300 };

/** JSON-ish values, plus the shapes a Graph item or an import file has, filled with hostile strings. */
const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '<img src=x onerror=alert(1)>',
    '__proto__',
    '',
    '9999-99-99T99:99:99Z',
    'PendingApproval',
    'direct',
    'Activated',
    '/',
    '\u0000',
  ),
);
const graphItem = fc.record(
  {
    id: hostile,
    principalId: hostile,
    roleDefinitionId: hostile,
    directoryScopeId: hostile,
    memberType: hostile,
    assignmentType: hostile,
    startDateTime: fc.oneof(
      hostile,
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constant(null),
    ),
    endDateTime: fc.oneof(hostile, fc.constant(null)),
    status: hostile,
    action: hostile,
    groupId: hostile,
    accessId: fc.constantFrom('member', 'owner', 'MEMBER', 'x'),
    roleDefinition: fc.oneof(fc.constant(null), fc.record({ displayName: fc.oneof(hostile, fc.constant(null)) })),
    group: fc.oneof(fc.constant(null), fc.record({ displayName: hostile })),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('bad input: fuzzed parsers', () => {
  it('the template import parser never throws on arbitrary text and accepts only valid templates and bundles', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .anything()
            .map(
              (v) =>
                JSON.stringify({ format: 'pim-companion-templates', version: 1, templates: [v], bundles: [] }) ?? '',
            ),
        ),
        (text) => {
          const r = parseImport(text, tr);
          if (r.ok) {
            for (const t of r.data.templates) expect(Template.safeParse(t).success).toBe(true);
            for (const b of r.data.bundles) expect(Bundle.safeParse(b).success).toBe(true);
          } else expect(typeof r.error).toBe('string');
        },
      ),
      RUNS,
    );
  });

  it('exported template libraries import back unchanged', () => {
    const template = fc.record({
      id: fc.uuid(),
      name: fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0),
      justification: fc.string({ minLength: 3, maxLength: 200 }).filter((s) => s.trim().length >= 3 && !/[{}]/.test(s)),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(template, { selector: (t) => t.name.trim().toLowerCase(), maxLength: 5 }),
        (templates) => {
          const parsedTemplates = templates.filter((t) => Template.safeParse(t).success).map((t) => Template.parse(t));
          const r = parseImport(exportLibrary({ templates: parsedTemplates, bundles: [] }), tr);
          if (!r.ok) return; // a name clash by id is reported, never a throw
          expect(r.data.templates).toEqual(parsedTemplates);
        },
      ),
      RUNS,
    );
  });

  it('Graph list parsers and mappers never throw on hostile items and only produce valid Assignments', () => {
    const pairs = [
      [RoleEligibilityInstance, roleEligibleToAssignment],
      [RoleAssignmentInstance, roleActiveToAssignment],
      [GroupEligibilityInstance, groupEligibleToAssignment],
      [RoleRequest, rolePendingToAssignment],
    ] as const;
    fc.assert(
      fc.property(fc.array(graphItem, { maxLength: 6 }), fc.anything(), (items, junk) => {
        for (const [schema, map] of pairs) {
          expect(parseList(schema, junk)).toSatisfy((v: unknown) => v === null || typeof v === 'object');
          const list = parseList(schema, { value: items });
          for (const item of list?.items ?? []) {
            const a = (map as (i: unknown, p: string) => unknown)(item, 'me');
            expect(Assignment.safeParse(a).success).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('Graph error bodies, Retry-After values and claims challenges of any shape parse without throwing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 599 }),
        fc.anything(),
        fc.string(),
        fc.string(),
        (status, body, retryAfter, challenge) => {
          const e = parseGraphError(status, body, { 'Retry-After': retryAfter, 'WWW-Authenticate': challenge });
          expect(e.status).toBe(status);
          expect(typeof e.code).toBe('string');
          const wait = parseRetryAfter(retryAfter, new Date());
          expect(wait === undefined || wait >= 0).toBe(true);
          for (const c of [claimsFromMessage(retryAfter), claimsFromChallenge(challenge)])
            if (c !== undefined) expect(() => JSON.parse(c)).not.toThrow();
        },
      ),
      RUNS,
    );
  });
});
