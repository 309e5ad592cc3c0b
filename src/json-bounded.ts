/**
 * Bounded JSON parsing for everything hwprobe reads that someone else wrote: tool output, worker
 * lines, input files, captures (issue 13 §4, §5). One linear pre-scan checks nesting depth and size
 * (and, for input files, duplicate keys); the values then come from the native JSON.parse, which is
 * linear. A python3 that printed JSON 2000 levels deep used to end the whole run with a stack
 * overflow in the code that walks the parsed value; the scan refuses it before a value exists.
 */

/** Deepest nesting accepted by default: reports and captures are under 15 levels, tool output under 30. */
export const MAX_JSON_DEPTH = 100;

/** Largest text accepted by default (tool output is already cut at 8 MiB by Host.exec). */
export const MAX_JSON_BYTES = 64 << 20;

/** Why a text was refused, with where (1-based line and column, JSON Pointer of the container). */
export class JsonLimitError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly pointer: string,
  ) {
    super(message);
    this.name = 'JsonLimitError';
  }
}

/** Options for the bounded parse. */
export interface BoundedJsonOptions {
  maxDepth?: number;
  maxBytes?: number;
  /** Refuse an object that repeats a key (input files: JSON.parse would keep the last silently). */
  rejectDuplicateKeys?: boolean;
}

/** Line and column (1-based) of a character offset. */
export function lineCol(text: string, pos: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, col: pos - last };
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks depth, size and (optionally) duplicate keys in one pass without building values.
 * Syntax is left to JSON.parse; the scan only needs to tell strings from structure.
 */
export function scanJson(text: string, opts: BoundedJsonOptions = {}): void {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const maxBytes = opts.maxBytes ?? MAX_JSON_BYTES;
  const where = (pos: number) => lineCol(text, pos);
  if (text.length > maxBytes) throw new JsonLimitError(`larger than ${maxBytes} bytes`, 1, 1, '');
  // Per open container: is it an object, its keys seen (when checked), the current key or index.
  const kind: boolean[] = [];
  const keys: (Set<string> | undefined)[] = [];
  const at: (string | number)[] = [];
  let expectKey = false;
  const pointer = () => at.map((p) => `/${esc(String(p))}`).join('');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let hasEscape = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          hasEscape = true;
          i++;
        } else if (d === 0x22) break;
      }
      if (expectKey && kind.length && kind[kind.length - 1]) {
        expectKey = false;
        let key = text.slice(start + 1, i);
        if (hasEscape) {
          try {
            key = JSON.parse(text.slice(start, i + 1)) as string;
          } catch {
            /* JSON.parse of the whole text will name the error */
          }
        }
        at[at.length - 1] = key;
        const seen = keys[keys.length - 1];
        if (seen) {
          if (seen.has(key)) {
            const { line, col } = where(start);
            throw new JsonLimitError(`duplicate key "${key}"`, line, col, pointer());
          }
          seen.add(key);
        }
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (kind.length >= maxDepth) {
        const { line, col } = where(i);
        throw new JsonLimitError(`nested deeper than ${maxDepth} levels`, line, col, pointer());
      }
      const obj = c === 0x7b;
      kind.push(obj);
      keys.push(obj && opts.rejectDuplicateKeys ? new Set() : undefined);
      at.push(obj ? '' : 0);
      expectKey = obj;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      kind.pop();
      keys.pop();
      at.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */ && kind.length) {
      if (kind[kind.length - 1]) expectKey = true;
      else at[at.length - 1] = (at[at.length - 1] as number) + 1;
    }
  }
}

/**
 * The offset of the first JSON syntax error, for V8 messages that carry no position ("Unexpected
 * token ']', ... is not valid JSON"). A small recursive-descent checker: it runs only after
 * JSON.parse failed and after scanJson bounded the depth, so the recursion is bounded too.
 */
export function syntaxErrorOffset(t: string): number {
  let i = 0;
  const ws = () => {
    while (i < t.length && ' \t\n\r'.includes(t[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (w: string) => (t.startsWith(w, i) ? (i += w.length) : fail());
  const str = () => {
    i++;
    while (i < t.length && t[i] !== '"') {
      if (t.charCodeAt(i) < 0x20) fail();
      if (t[i] === '\\') {
        i++;
        if (t[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(t[i] ?? '')) fail();
      }
      i++;
    }
    if (t[i] !== '"') fail();
    i++;
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(i, i + 400));
    if (!m || !m[0] || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{') {
      i++;
      ws();
      if (t[i] === '}') return void i++;
      for (;;) {
        ws();
        if (t[i] !== '"') fail();
        str();
        ws();
        if (t[i] !== ':') fail();
        i++;
        value();
        ws();
        if (t[i] === ',') i++;
        else if (t[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (t[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (t[i] === ',') i++;
        else if (t[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else num();
  };
  try {
    value();
    ws();
    return i < t.length ? i : -1;
  } catch (pos) {
    return typeof pos === 'number' ? pos : -1;
  }
}

/** JSON.parse behind the bounded scan; a UTF-8 BOM is accepted. Throws JsonLimitError or SyntaxError. */
export function parseJsonBounded(text: string, opts: BoundedJsonOptions = {}): unknown {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  scanJson(t, opts);
  return JSON.parse(t);
}

/** parseJsonBounded that returns undefined instead of throwing (tool output that may be anything). */
export function tryParseJson(text: string, opts: BoundedJsonOptions = {}): unknown {
  try {
    return parseJsonBounded(text, opts);
  } catch {
    return undefined;
  }
}
