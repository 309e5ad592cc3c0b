/** Redaction of identifiers (hostname, serial numbers, UUIDs, MAC addresses, container ids). On by default. */

import { allowedValue } from './env-allowlist.js';

/** Files whose whole content is an identifier. */
const IDENTIFIER_FILES = [
  /^\/sys\/(class|devices\/virtual)\/dmi\/id\/.*(serial|uuid)$/,
  /^\/etc\/machine-id$/,
  /^\/var\/lib\/dbus\/machine-id$/,
  /^\/proc\/sys\/kernel\/random\/boot_id$/,
  /^\/proc\/sys\/kernel\/hostname$/,
  /^\/etc\/hostname$/,
];

export const REDACTED = '[REDACTED]';

const UUID = /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g;
const MAC = /\b[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}\b/g;
// Container and cgroup ids: docker's are 64 hex digits, this sandbox's cgroup id 32 (issue 13 §7).
const CONTAINER_ID = /\b[0-9a-f]{32,128}\b/g;
// "Serial Number : X", "serial=X", "<serial>X</serial>", "<chassis_serial_number>X</…>", JSON "serial": "X"
const SERIAL_LINE = /(serial(?:[ _-]?(?:number|no))?\s*[:=]\s*)([^\s<"][^\n<"]*)/gi;
const SERIAL_XML = /(<([a-z_]*serial[a-z_]*)[^>]*>)([^<]*)(<\/\2>)/gi;
const SERIAL_JSON = /("[^"\n]*serial[^"\n]*"\s*:\s*")((?:[^"\\\n]|\\.)*)(")/gi;
function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a Redactor needs to know about the machine. */
export interface RedactContext {
  hostname: string;
  /**
   * Strings of the machine that are not ours to publish and leak through tool output: $HOME and the
   * user name (Node's module search paths), LD_LIBRARY_PATH entries (`ld.so --help` prints them).
   */
  secrets?: readonly string[];
}

/**
 * The secrets of an environment for RedactContext: HOME (even /root: Node's module search paths
 * carry it), USER, LOGNAME and the LD_LIBRARY_PATH entries. Longest first, so a prefix does not win.
 */
export function environmentSecrets(env: NodeJS.ProcessEnv): string[] {
  const out = [env.HOME, env.USER, env.LOGNAME, ...(env.LD_LIBRARY_PATH ?? '').split(':')];
  // Too short or too common to be identifying, and they would eat paths such as /usr/lib/…
  const common = new Set(['/', 'root', '/usr', '/usr/lib', '/usr/local/lib', '/lib', '/lib64', '/usr/lib64', '/opt']);
  return [...new Set(out.filter((s): s is string => !!s && s.length >= 4 && !common.has(s.replace(/\/+$/, ''))))].sort((a, b) => b.length - a.length);
}

/** Replaces identifiers in text; keeps the text's shape so parsers still work. */
export class Redactor {
  private readonly hostRe: RegExp | undefined;
  private readonly secretRe: RegExp | undefined;
  constructor(ctx: RedactContext) {
    const sec = ctx.secrets ?? [];
    this.secretRe = sec.length ? new RegExp(`(?<![A-Za-z0-9_.-])(?:${sec.map(escapeRe).join('|')})(?![A-Za-z0-9_-])`, 'g') : undefined;
    const h = ctx.hostname.trim();
    // Word-bounded so a short hostname ("vm") does not eat flags such as "vmx".
    this.hostRe =
      h && h !== 'localhost' ? new RegExp(`(?<![A-Za-z0-9_.-])${escapeRe(h)}(?![A-Za-z0-9_-])`, 'g') : undefined;
  }

  /** Redacts one string. */
  text(s: string): string {
    let r = s
      .replace(SERIAL_XML, `$1${REDACTED}$4`)
      .replace(SERIAL_JSON, `$1${REDACTED}$3`)
      .replace(SERIAL_LINE, `$1${REDACTED}`)
      .replace(UUID, '00000000-0000-0000-0000-000000000000')
      .replace(MAC, '00:00:00:00:00:00')
      .replace(CONTAINER_ID, (m) => '0'.repeat(m.length));
    r = allowedValue(r); // URL userinfo (credentials)
    if (this.hostRe) r = r.replace(this.hostRe, REDACTED);
    // A path stays absolute (/[REDACTED]/…), so replay still treats it as a path, consistently in keys and values.
    if (this.secretRe) r = r.replace(this.secretRe, (m) => (m.startsWith('/') ? `/${REDACTED}` : REDACTED));
    return r;
  }

  /** Redacts a file's content, by path first. */
  file(path: string, content: string): string {
    return IDENTIFIER_FILES.some((re) => re.test(path)) ? REDACTED : this.text(content);
  }

  /** Redacts every string (and every key named like a serial) in a JSON value. */
  deep<T>(v: T): T {
    const walk = (x: unknown, key?: string): unknown => {
      if (typeof x === 'string') return key && /serial|uuid|hostname/i.test(key) ? REDACTED : this.text(x);
      if (Array.isArray(x)) return x.map((e) => walk(e));
      if (x && typeof x === 'object') {
        const o: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(x)) o[this.text(k)] = walk(e, k);
        return o;
      }
      return x;
    };
    return walk(v) as T;
  }
}
