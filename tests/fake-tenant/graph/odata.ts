/**
 * The sliver of OData the PIM endpoints need: `$filter` as `prop eq 'value'` clauses joined by `and`
 * (keywords case-insensitive), `$expand` lists with nested options, and `$select`.
 */

export interface EqClause {
  prop: string;
  value: string | null;
}

/** Null when the filter is outside what we support (Graph would answer 400 for many of those too). */
export function parseEqFilter(filter: string): EqClause[] | null {
  const clauses: EqClause[] = [];
  const re = /^\s*([A-Za-z_][\w/]*)\s+eq\s+(?:'((?:[^']|'')*)'|(null)|([\w.-]+))\s*/i;
  let rest = filter.trim();
  while (rest.length) {
    const m = re.exec(rest);
    if (!m) return null;
    const value = m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3] !== undefined ? null : m[4]!;
    clauses.push({ prop: m[1]!, value });
    rest = rest.slice(m[0].length);
    if (!rest.length) break;
    const and = /^and\s+/i.exec(rest);
    if (!and) return null;
    rest = rest.slice(and[0].length);
  }
  return clauses.length ? clauses : null;
}

/**
 * `$filter` as `or`-joined groups of `and`-joined eq clauses (no parentheses), e.g. the requests read
 * `status eq 'PendingApproval' or status eq 'Granted'`. `and` binds tighter than `or`, as in OData.
 */
export function parseEqFilterAnyOf(filter: string): EqClause[][] | null {
  const groups = filter.split(/\s+or\s+(?=(?:[^']*'[^']*')*[^']*$)/i).map((part) => parseEqFilter(part));
  return groups.every((g): g is EqClause[] => g !== null) ? groups : null;
}

/** Splits "a,b($expand=c),d" at top-level commas. */
export function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export interface ExpandItem {
  name: string;
  nested: string | null;
}

export function parseExpand(expand: string | null): ExpandItem[] {
  if (!expand) return [];
  return splitTopLevel(expand).map((item) => {
    const i = item.indexOf('(');
    return i < 0
      ? { name: item, nested: null }
      : { name: item.slice(0, i).trim(), nested: item.slice(i + 1, item.lastIndexOf(')')) };
  });
}

/** Keeps only selected properties (plus id and OData annotations), as Graph does for $select. */
export function applySelect<T extends Record<string, unknown>>(
  obj: T,
  select: string | null,
  keep: string[] = [],
): Record<string, unknown> {
  if (!select) return obj;
  const wanted = new Set(
    select
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .concat(
        ['id'],
        keep.map((k) => k.toLowerCase()),
      ),
  );
  return Object.fromEntries(Object.entries(obj).filter(([k]) => wanted.has(k.toLowerCase()) || k.startsWith('@odata')));
}

/** Case-insensitive property lookup on a serialized object; undefined when the property does not exist. */
export function propOf(obj: Record<string, unknown>, prop: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === prop.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

export function matchesAll(obj: Record<string, unknown>, clauses: EqClause[]): boolean {
  return clauses.every((c) => {
    const v = propOf(obj, c.prop);
    if (c.value === null) return v === null || v === undefined;
    return typeof v === 'string' && v.toLowerCase() === c.value.toLowerCase();
  });
}
