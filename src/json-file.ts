/** Reading and writing the JSON files hwprobe takes and makes, with clear errors and atomic writes. */
import { promises as fs } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { InputError } from './errors.js';
import { validate, type SchemaIssue, type SchemaName } from './schemas.js';

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, pos: number): { line: number; col: number } {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, col: pos - before.lastIndexOf('\n') };
}

/** Parses JSON text; a syntax error becomes an InputError naming file, line and column. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? (({ line, col }) => ` at line ${line} column ${col}`)(lineCol(text, Number(m[1]))) : '';
    throw new InputError(`${file}: not valid JSON${where}: ${msg}`);
  }
}

/** Reads a JSON file; missing or unreadable files become InputErrors naming the file. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new InputError(`${file}: cannot read: ${why}`);
  }
  return parseJson(text, file);
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

/** Writes a file atomically: a temp file beside it, then rename. Failures become InputErrors naming the file. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, content, { mode: 0o644 });
    await fs.rename(tmp, file);
  } catch (e) {
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
  try {
    const st = await fs.stat(file);
    if (st.isDirectory()) throw new InputError(`${file}: cannot write: is a directory`);
  } catch (e) {
    if (e instanceof InputError) throw e;
  }
}
