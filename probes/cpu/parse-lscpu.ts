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

/** The facts this probe takes from an lscpu table. */
export interface LscpuFacts {
  architecture: string | null;
  vendor: string | null;
  modelName: string | null;
  cpus: number | null;
  threadsPerCore: number | null;
  coresPerSocket: number | null;
  sockets: number | null;
  flags: string[];
}

/** Reads the common keys of a parsed lscpu table. */
export function lscpuFacts(t: Record<string, string>): LscpuFacts {
  const n = (k: string): number | null => {
    const v = t[k];
    if (v === undefined || !/^\d+$/.test(v.trim())) return null;
    return Number(v.trim());
  };
  return {
    architecture: t['Architecture'] ?? null,
    vendor: t['Vendor ID'] ?? null,
    modelName: t['Model name'] ?? null,
    cpus: n('CPU(s)'),
    threadsPerCore: n('Thread(s) per core'),
    coresPerSocket: n('Core(s) per socket') ?? n('Core(s) per cluster'),
    sockets: n('Socket(s)'),
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
