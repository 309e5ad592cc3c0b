/** Canonical key order: object keys sorted by code unit, recursively; arrays keep their order. */
export function canonicalize<T>(v: T): T {
  if (Array.isArray(v)) return v.map((e) => canonicalize(e)) as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const e = (v as Record<string, unknown>)[k];
      if (e !== undefined) o[k] = canonicalize(e);
    }
    return o as T;
  }
  return v;
}

/** Code-unit order of two strings, as Array.prototype.sort orders them (not localeCompare: no ICU, and the same on every host). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
