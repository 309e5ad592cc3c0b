/** `lscpu` output parsers (platform-free). */

/** The table form: `Key:   value` lines (first occurrence wins); `lscpu -p` comment/CSV lines are skipped. */
export function parseLscpu(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    if (!key || key in out) continue;
    out[key] = line.slice(colon + 1).trim();
  }
  return out;
}

/** One CPU-type section of lscpu: hybrid machines print one per core type (a `Model name` line opens it). */
export interface LscpuSection {
  modelName: string | null;
  threadsPerCore: number | null;
  /** `Core(s) per socket` or `Core(s) per cluster`. */
  coresPer: number | null;
  /** `Socket(s)`, else the s390 book/drawer product, else `Cluster(s)`: how many times `coresPer` repeats. */
  units: number | null;
}

/** The facts this probe takes from an lscpu table. */
export interface LscpuFacts {
  architecture: string | null;
  vendor: string | null;
  /** The first section's model name; lscpu's `-` ("unknown") is null. */
  modelName: string | null;
  /** Every section's model name (hybrid ARM: one per cluster type), `-` left out. */
  modelNames: string[];
  cpus: number | null;
  threadsPerCore: number | null;
  /** Sockets (s390: sockets per book × books per drawer × drawers); null where lscpu prints `-`. */
  sockets: number | null;
  /** Physical cores summed over every section. */
  cores: number | null;
  sections: LscpuSection[];
  flags: string[];
}

const count = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null);
/** lscpu prints `-` for a value it does not know (e.g. the model name of an unknown ARM part). */
const known = (v: string | undefined): string | null => (v === undefined || /^-?$/.test(v.trim()) ? null : v.trim());

/**
 * s390 has no `Socket(s)` line but `Socket(s) per book`, `Book(s) per drawer` and `Drawer(s)`
 * (older util-linux: `Book(s)`): the socket count is their product.
 */
function s390Sockets(t: Record<string, string>): number | null {
  const perBook = count(t['Socket(s) per book']);
  if (perBook === null) return null;
  const perDrawer = count(t['Book(s) per drawer']);
  const drawers = count(t['Drawer(s)']);
  const books = count(t['Book(s)']);
  if (perDrawer !== null && drawers !== null) return perBook * perDrawer * drawers;
  if (books !== null) return perBook * books;
  return null;
}

/** Splits lscpu text into sections at each `Model name` line (keys before the first belong to all). */
export function lscpuSections(text: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  let cur: Record<string, string> | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'Model name') out.push((cur = {}));
    if (cur && !(key in cur)) cur[key] = value;
  }
  return out;
}

/** Reads the common keys of a parsed lscpu table; `text` (the raw output) adds the per-section sums. */
export function lscpuFacts(t: Record<string, string>, text?: string): LscpuFacts {
  const raw = text !== undefined ? lscpuSections(text) : [];
  const secs = (raw.length ? raw : [t]).map((s): LscpuSection => {
    const get = (k: string) => s[k] ?? (raw.length <= 1 ? t[k] : undefined);
    return {
      modelName: known(get('Model name')),
      threadsPerCore: count(get('Thread(s) per core')),
      coresPer: count(get('Core(s) per socket')) ?? count(get('Core(s) per cluster')),
      units: count(get('Socket(s)')) ?? s390Sockets(raw.length <= 1 ? t : s) ?? count(get('Cluster(s)')),
    };
  });
  const sockets = count(t['Socket(s)']) ?? s390Sockets(t);
  const perSection = secs.map((s) => (s.coresPer !== null ? s.coresPer * (s.units ?? 1) : null));
  const cores = perSection.length && perSection.every((n) => n !== null) ? (perSection as number[]).reduce((a, b) => a + b, 0) : null;
  const threads = secs.map((s) => s.threadsPerCore).filter((n): n is number => n !== null);
  const modelNames = [...new Set(secs.map((s) => s.modelName).filter((m): m is string => m !== null))];
  return {
    architecture: t['Architecture'] ?? null,
    vendor: known(t['Vendor ID']),
    modelName: modelNames[0] ?? null,
    modelNames,
    cpus: count(t['CPU(s)']),
    threadsPerCore: threads.length ? Math.max(...threads) : null,
    sockets,
    cores,
    sections: secs,
    flags: t['Flags'] ? t['Flags'].split(/\s+/).filter(Boolean) : [],
  };
}

/** `lscpu -p` rows: the column names come from the last `# ` comment line before the data. */
export function parseLscpuParsable(text: string): Record<string, string>[] {
  let cols: string[] = [];
  const rows: Record<string, string>[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith('#')) {
      const c = line.slice(1).trim();
      if (/^[A-Za-z]+(,[A-Za-z]*)*$/.test(c)) cols = c.split(',');
      continue;
    }
    if (!line.trim() || !cols.length || line.includes(':')) continue;
    const vals = line.split(',');
    rows.push(Object.fromEntries(cols.map((c, i) => [c, vals[i] ?? ''])));
  }
  return rows;
}
