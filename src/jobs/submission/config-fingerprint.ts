import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level (undefined members left out), so equal configurations serialise
 * equally. Stored fingerprints are of this text, so it must never change (the spec pins it against the first
 * version). The usual value (plain objects and arrays, as toPlainConfig makes them) is copied with its keys in
 * sorted order and written by one native JSON.stringify, about twice as fast as member by member (a batch
 * fingerprints 10,000 configs); anything that copy would write differently takes the member-by-member way.
 */
export function canonicalJson(value: unknown): string {
  const sorted = sortedCopy(value);
  return sorted === UNSORTABLE ? memberByMember(value) : JSON.stringify(sorted);
}

const UNSORTABLE = Symbol('unsortable');
/** Keys JSON.stringify would write first whatever their place (array indices), and the one an assignment cannot make. */
const REORDERED_OR_SPECIAL_KEY = /^(?:0|[1-9]\d*|__proto__)$/;

/** `value` with every object's keys inserted in sorted order; UNSORTABLE when JSON.stringify of it would not be the canonical text. */
function sortedCopy(value: unknown): unknown {
  if (value === null) return value;
  switch (typeof value) {
    case 'function':
    case 'symbol':
      return UNSORTABLE;
    case 'object':
      break;
    default:
      return value;
  }
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      // A hole or undefined is written as nothing by the member-by-member way, as null by JSON.stringify.
      const item = (value as unknown[])[i] === undefined ? UNSORTABLE : sortedCopy((value as unknown[])[i]);
      if (item === UNSORTABLE) return UNSORTABLE;
      copy[i] = item;
    }
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return UNSORTABLE;
  const copy: Record<string, unknown> = {};
  // Default sort: by UTF-16 code units, as `a < b` compares strings.
  for (const key of Object.keys(value).sort()) {
    if (REORDERED_OR_SPECIAL_KEY.test(key)) return UNSORTABLE;
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    const item = sortedCopy(member);
    if (item === UNSORTABLE) return UNSORTABLE;
    copy[key] = item;
  }
  return copy;
}

/** The first version, for the values sortedCopy does not cover. */
function memberByMember(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(memberByMember).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${memberByMember(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configFingerprint(config: object): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}
