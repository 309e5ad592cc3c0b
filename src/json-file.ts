/** Reading and writing the JSON files hwprobe takes and makes, with clear errors and atomic writes. */
import { promises as fs, constants as fsConstants, openSync, fstatSync, readSync, closeSync } from 'node:fs';
import { JsonLimitError, lineCol, parseJsonBounded, syntaxErrorOffset } from './json-bounded.js';
import { dirname, basename, join } from 'node:path';
import { InputError } from './errors.js';
import { validate, type SchemaIssue, type SchemaName } from './schemas.js';

/** Largest input file read (reports, captures, expectation files): a capture of a big machine is ~2 MB. */
export const MAX_INPUT_BYTES = 64 << 20;

/**
 * Reads an input file as text, refusing anything but a regular file under MAX_INPUT_BYTES.
 * The file is opened non-blocking and checked with fstat before a byte is read: /dev/zero used to
 * grow to 4.25 GB and abort, and a FIFO that never writes hung the run past two Ctrl-C.
 * `shown` names the file in errors.
 */
export function readInputText(file: string, shown = file): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`${shown}: cannot read: is a directory`);
    if (!st.isFile()) throw new InputError(`${shown}: cannot read: not a regular file (${st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : st.isSocket() ? 'a socket' : 'a special file'})`);
    if (st.size > MAX_INPUT_BYTES) throw new InputError(`${shown}: cannot read: ${st.size} bytes, more than the ${MAX_INPUT_BYTES}-byte limit for input files`);
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < st.size) {
      const got = readSync(fd, buf, n, st.size - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n).toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code === 'ELOOP' ? 'too many symbolic links' : (e as Error).message;
    throw new InputError(`${shown}: cannot read: ${why}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Parses JSON text from a file: a UTF-8 BOM is accepted; nesting is bounded; a duplicate key is
 * refused (as YAML refuses it); every error is an InputError naming file, line and column.
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return parseJsonBounded(text, { rejectDuplicateKeys: true });
  } catch (e) {
    if (e instanceof JsonLimitError) throw new InputError(`${file}: ${e.pointer || '/'} (line ${e.line} column ${e.column}): ${e.message}`);
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const off = m ? Number(m[1]) : syntaxErrorOffset(body);
    const pos = off >= 0 ? lineCol(body, off) : undefined;
    throw new InputError(`${file}: not valid JSON${pos ? ` at line ${pos.line} column ${pos.col}` : ''}: ${msg}`);
  }
}

/** Reads a JSON file; missing, unreadable or special files become InputErrors naming the file. */
export async function readJsonFile(file: string): Promise<unknown> {
  return parseJson(readInputText(file), file);
}

/** Reads a JSON file and validates it against a schema; violations become an InputError listing each path. */
export async function readValidated<T>(file: string, schema: SchemaName): Promise<T> {
  const data = await readJsonFile(file);
  const issues = validate(schema, data);
  if (issues.length) throw invalidDocument(file, schema, issues);
  return data as T;
}

/** An InputError listing schema violations: wrong values first, then missing keys, at most 25 lines. */
export function invalidDocument(file: string, schema: SchemaName, issues: SchemaIssue[]): InputError {
  const missing = (i: SchemaIssue) => (i.message === 'is required' ? 1 : 0);
  const sorted = [...issues].sort((a, b) => missing(a) - missing(b));
  const lines = sorted.slice(0, 25).map((i) => `  ${i.path}: ${i.message}`);
  if (sorted.length > 25) lines.push(`  … and ${sorted.length - 25} more`);
  return new InputError(`${file}: not a valid ${schema} (schemas/${schema}.schema.json):\n${lines.join('\n')}`);
}

/**
 * What is at an output path: undefined when nothing is, the mode of a regular file, or an
 * InputError for anything else. --out used to replace a FIFO, a symlink or /proc/self/fd/1 with a
 * regular file; we refuse instead of writing through, because the rename that makes the write
 * atomic cannot go through a link or into a FIFO (the user can name the target itself).
 */
async function existingTarget(file: string): Promise<{ mode: number } | undefined> {
  let st;
  try {
    st = await fs.lstat(file);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) throw new InputError(`${file}: cannot write: is a directory`);
  if (st.isSymbolicLink()) throw new InputError(`${file}: cannot write: is a symbolic link (to ${await fs.readlink(file).catch(() => '?')}); refusing to replace it, name the target instead`);
  if (!st.isFile()) throw new InputError(`${file}: cannot write: not a regular file (${st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : st.isSocket() ? 'a socket' : 'a special file'}); refusing to replace it`);
  return { mode: st.mode & 0o7777 };
}

/**
 * Writes a file atomically: a temp file beside it, flushed, then renamed over it. A file that
 * exists keeps its mode (a 600 report stays 600); a new one gets 644 less the umask. Failures
 * (ENOSPC included) become InputErrors naming the file, and the old file stays as it was.
 */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const target = await existingTarget(file);
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  let h: import('node:fs/promises').FileHandle | undefined;
  try {
    h = await fs.open(tmp, 'wx', 0o600);
    await h.writeFile(content);
    await h.sync();
    if (target) await h.chmod(target.mode);
    else await h.chmod(0o644 & ~process.umask());
    await h.close();
    h = undefined;
    await fs.rename(tmp, file);
  } catch (e) {
    await h?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot write: ${code ?? (e as Error).message}`);
  }
}

/** Checks early that a file could be written there, so a long run is not lost at the end. */
export async function assertWritable(file: string): Promise<void> {
  const dir = dirname(file);
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw new InputError(`${file}: cannot write: ${dir} is not a directory`);
    await fs.access(dir, 2 /* W_OK */);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot write: ${code === 'ENOENT' ? `no such directory ${dir}` : code ?? String(e)}`);
  }
  await existingTarget(file);
}
