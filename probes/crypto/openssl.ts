/** OpenSSL versions and `openssl version -a` output (platform-free parsers). */

/** What `openssl version -a` says. */
export interface OpensslVersionInfo {
  /** e.g. "3.0.19" (or "1.1.1w"); null when the first line is not an OpenSSL version line */
  version: string | null;
  /** the library version when it differs from the tool's ("Library: OpenSSL 3.0.2 …") */
  library: string | null;
  /** "OpenSSL", "LibreSSL", … */
  flavour: string | null;
  platform: string | null;
  /** The capability vector the library ended with, from the `CPUINFO:` line (3.0+), and the env value it saw. */
  cpuinfo: { variable: string; vector: string; env: string | null } | null;
}

/** Parses `openssl version -a`. Unknown lines are ignored. */
export function parseOpensslVersion(text: string): OpensslVersionInfo {
  const lines = text.split(/\r\n|\r|\n/);
  const first = /^(\S+)\s+(\d+\.\d+\.\d+[a-z]*)/.exec(lines[0] ?? '');
  const lib = /\(Library:\s+\S+\s+(\d+\.\d+\.\d+[a-z]*)/.exec(lines[0] ?? '');
  const out: OpensslVersionInfo = {
    version: first ? first[2] : null,
    library: lib && first && lib[1] !== first[2] ? lib[1] : null,
    flavour: first ? first[1] : null,
    platform: null,
    cpuinfo: null,
  };
  for (const l of lines) {
    const p = /^platform:\s*(.+)$/.exec(l);
    if (p) out.platform = p[1].trim();
    // "CPUINFO: OPENSSL_ia32cap=0xfffa3203078bffff:0x405fc6f1bf07ab env:~0x200000200000000"
    const c = /^CPUINFO:\s*(OPENSSL_\w+)=(\S+)(?:\s+env:(.*))?$/.exec(l);
    if (c) out.cpuinfo = { variable: c[1], vector: c[2], env: c[3] ?? null };
  }
  return out;
}

/** Compares two OpenSSL versions ("3.0.19", "3.0.8+quic", "1.1.1w"): negative when a < b. Null when either does not parse. */
export function compareOpenssl(a: string | null | undefined, b: string | null | undefined): number | null {
  const p = (s: string | null | undefined) => {
    const m = /^(\d+)\.(\d+)\.(\d+)([a-z]*)/.exec(s ?? '');
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ? m[4].charCodeAt(0) - 96 : 0] : null;
  };
  const x = p(a);
  const y = p(b);
  if (!x || !y) return null;
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** Parses an `openssl info -cpusettings`/CPUINFO x86 vector ("0xA:0xB[:…]") into 64-bit words. */
export function parseVector(vector: string): bigint[] | null {
  const parts = vector.split(':');
  if (!parts.every((p) => /^0x[0-9a-f]+$/i.test(p))) return null;
  return parts.map((p) => BigInt(p));
}
