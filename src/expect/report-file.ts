/** Reading a saved report (for `check`, `diff` and `--baseline`): exit 2 for anything that is not a valid hwprobe report. */
import { InputError } from '../errors.js';
import { invalidDocument } from '../json-file.js';
import { readSource } from './load.js';
import { validate } from '../schemas.js';
import type { Report } from '../types.js';

/** The report schema version this hwprobe reads and writes. */
export const REPORT_SCHEMA_VERSION = '1';

/** Reads and validates a report file; says so clearly when it is another document or from a newer hwprobe. */
export async function readReport(file: string): Promise<Report> {
  const data = readSource(file, file, 'json').data;
  const o = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  if (!o || !('schemaVersion' in o)) {
    const what = o && 'captureVersion' in o ? ' (it is a capture: replay it with --replay, or make a report with `hwprobe --replay FILE --json`)' : '';
    throw new InputError(`${file}: /schemaVersion: not a hwprobe report (no schemaVersion)${what}`);
  }
  const v = o.schemaVersion;
  if (typeof v === 'string' && /^\d+$/.test(v) && Number(v) > Number(REPORT_SCHEMA_VERSION)) {
    const by = (o.tool as { version?: string } | undefined)?.version;
    throw new InputError(
      `${file}: /schemaVersion: report schema version ${v}${by ? ` (written by hwprobe ${by})` : ''} is newer than this hwprobe reads (${REPORT_SCHEMA_VERSION}); upgrade hwprobe`,
    );
  }
  const issues = validate('report', data);
  if (issues.length) throw invalidDocument(file, 'report', issues);
  return data as Report;
}
