/** Redaction of identifiers (hostname, serial numbers, UUIDs, MAC addresses, container ids). On by default. */

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
const CONTAINER_ID = /\b[0-9a-f]{64}\b/g;
// "Serial Number : X", "serial=X", "<serial>X</serial>"
const SERIAL_LINE = /(serial(?:[ _-]?(?:number|no))?\s*[:=]\s*)([^\s<][^\n<]*)/gi;
const SERIAL_XML = /(<serial[^>]*>)([^<]*)(<\/serial>)/gi;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a Redactor needs to know about the machine. */
export interface RedactContext {
  hostname: string;
}

/** Replaces identifiers in text; keeps the text's shape so parsers still work. */
export class Redactor {
  private readonly hostRe: RegExp | undefined;
  constructor(ctx: RedactContext) {
    const h = ctx.hostname.trim();
    // Word-bounded so a short hostname ("vm") does not eat flags such as "vmx".
    this.hostRe =
      h && h !== 'localhost' ? new RegExp(`(?<![A-Za-z0-9_.-])${escapeRe(h)}(?![A-Za-z0-9_-])`, 'g') : undefined;
  }

  /** Redacts one string. */
  text(s: string): string {
    let r = s
      .replace(SERIAL_XML, `$1${REDACTED}$3`)
      .replace(SERIAL_LINE, `$1${REDACTED}`)
      .replace(UUID, '00000000-0000-0000-0000-000000000000')
      .replace(MAC, '00:00:00:00:00:00')
      .replace(CONTAINER_ID, '0'.repeat(64));
    if (this.hostRe) r = r.replace(this.hostRe, REDACTED);
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
        for (const [k, e] of Object.entries(x)) o[k] = walk(e, k);
        return o;
      }
      return x;
    };
    return walk(v) as T;
  }
}
