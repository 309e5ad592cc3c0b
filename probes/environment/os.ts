/** Operating system, kernel, libc and runtime versions. */
import type { Host } from '../../src/host/host.js';
import { Trail, EXEC_TIMEOUT_MS, firstLine } from './util.js';
import { UNREADABLE } from '../../src/bounds.js';

/** Distribution identity, as /etc/os-release (or the platform's equivalent) names it. */
export interface OsFacts {
  id: string | null;
  version: string | null;
  prettyName: string | null;
}

/** C library family ('glibc', 'musl', 'system' on macOS/Windows) and version. */
export interface LibcFacts {
  family: string | null;
  version: string | null;
}

/** What os.ts contributes to the probe's facts. */
export interface OsPart {
  os: OsFacts;
  kernel: string | null;
  libc: LibcFacts;
  node: string | null;
  v8: string | null;
  openssl: string | null;
}

/** Parses os-release(5) text: KEY=value lines, values optionally quoted with shell escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\([\\$"`])/g, '$1');
    }
    out[m[1]] = v;
  }
  return out;
}

/** Parses `getconf GNU_LIBC_VERSION` output ("glibc 2.36") into a version. */
export function parseGetconfLibc(stdout: string): string | undefined {
  return /^glibc\s+(\d+\.\d+(?:\.\d+)?)/m.exec(stdout.trim())?.[1];
}

/** Parses the version out of the musl loader's usage text ("musl libc (x86_64)\nVersion 1.2.4"). */
export function parseMuslVersion(text: string): string | undefined {
  return /^Version\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text)?.[1];
}

/** Parses glibc's version from the ldd script, which embeds "ldd (Debian GLIBC 2.36-9) 2.36". */
export function parseLddScript(text: string): LibcFacts | undefined {
  if (/musl/i.test(text) && !/GLIBC|GNU libc|GNU C Library/.test(text)) return { family: 'musl', version: null };
  if (!/GLIBC|GNU libc|GNU C Library/.test(text)) return undefined;
  const v = /ldd \([^)]*\)\s+(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
  return { family: 'glibc', version: v ?? null };
}

/** The musl dynamic loader's name among /lib's entries, if any (/lib/ld-musl-<arch>.so.1). */
export function findMuslLoader(entries: string[] | undefined): string | undefined {
  return entries?.find((e) => /^ld-musl-[\w-]+\.so\.1$/.test(e));
}

/** Parses the kernel release out of /proc/version ("Linux version 6.1.0-18-amd64 (...)"). */
export function parseProcVersion(text: string): string | undefined {
  return /^Linux version (\S+)/.exec(text)?.[1];
}

async function linuxLibc(host: Host, trail: Trail, signal?: AbortSignal): Promise<LibcFacts> {
  const [getconf, lib] = await Promise.all([
    trail.exec(host, 'getconf', ['GNU_LIBC_VERSION'], signal),
    host.readDir('/lib'),
  ]);
  trail.add('/lib', lib !== undefined, lib === undefined ? 'absent or unreadable' : undefined);
  const glibc = getconf.status === 'ok' ? parseGetconfLibc(getconf.stdout) : undefined;
  if (glibc) return { family: 'glibc', version: glibc };
  if (getconf.status === 'ok' && getconf.stdout.trim()) {
    // It answered, but not as getconf does: say so (the builder raises TOOL_OUTPUT_UNREADABLE).
    const e = trail.evidence.find((x) => x.source === 'getconf GNU_LIBC_VERSION');
    if (e) Object.assign(e, { ok: false, detail: `${UNREADABLE}: ${JSON.stringify(getconf.stdout.trim().split('\n')[0].slice(0, 120))}` });
  }
  const musl = findMuslLoader(lib);
  if (musl) {
    // The loader run without arguments prints its usage (with the version) and exits 1.
    const r = await trail.exec(host, `/lib/${musl}`, [], signal);
    return { family: 'musl', version: parseMuslVersion(r.stderr + '\n' + r.stdout) ?? null };
  }
  const ldd = await trail.file(host, '/usr/bin/ldd');
  return (ldd && parseLddScript(ldd)) || { family: null, version: null };
}

/** Detects OS identity, kernel, libc and runtime versions. */
export async function detectOs(host: Host, trail: Trail, signal?: AbortSignal): Promise<OsPart> {
  const info = host.info();
  const versions = info.versions ?? {};
  const runtime = { node: versions.node ?? null, v8: versions.v8 ?? null, openssl: versions.openssl ?? null };

  if (info.platform === 'darwin') {
    const r = await host.exec('sw_vers', ['-productVersion'], { timeoutMs: EXEC_TIMEOUT_MS, signal });
    trail.add('sw_vers -productVersion', r.status === 'ok', r.status === 'ok' ? undefined : r.status);
    const v = r.status === 'ok' ? (firstLine(r.stdout) ?? null) : null;
    return {
      os: { id: 'macos', version: v, prettyName: v ? `macOS ${v}` : 'macOS' },
      kernel: info.release || null,
      libc: { family: 'system', version: null },
      ...runtime,
    };
  }
  if (info.platform === 'win32') {
    return {
      os: { id: 'windows', version: info.release || null, prettyName: info.version || 'Windows' },
      kernel: info.release || null,
      libc: { family: 'system', version: null },
      ...runtime,
    };
  }

  const [osr, procVersion, libc] = await Promise.all([
    (async () => (await trail.file(host, '/etc/os-release')) ?? (await trail.file(host, '/usr/lib/os-release')))(),
    info.release ? Promise.resolve(undefined) : trail.file(host, '/proc/version'),
    info.platform === 'linux' ? linuxLibc(host, trail, signal) : Promise.resolve<LibcFacts>({ family: null, version: null }),
  ]);
  const kv = osr ? parseOsRelease(osr) : {};
  return {
    os: {
      id: kv.ID ?? (info.platform === 'linux' ? null : info.platform),
      version: kv.VERSION_ID ?? null,
      prettyName: kv.PRETTY_NAME ?? kv.NAME ?? null,
    },
    kernel: info.release || (procVersion ? (parseProcVersion(procVersion) ?? null) : null),
    libc,
    ...runtime,
  };
}
