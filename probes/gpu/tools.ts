/** Running a vendor tool through Host and parsing its output, with failures turned into findings. */
import type { Evidence, Finding } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { finding } from './findings.js';
import { firstLine } from './worker-client.js';
import { TOOL_TIMEOUT_MS, TOOLS } from './tables.js';

/** A tool of the TOOLS table. */
export type ToolName = keyof typeof TOOLS;

/** Another invocation to try when a tool rejects an argument this version does not know (not a failure of the machine). */
export interface ToolFallback<T> {
  /** matches the rejection in stdout/stderr */
  when: RegExp;
  name: ToolName;
  parse: (stdout: string) => T;
  /** why the fallback ran, for the evidence */
  why: string;
}

/**
 * Runs a tool and parses its stdout. Absent tool: undefined, no finding (absence is data).
 * Timeout, non-zero exit or output the parser rejects: undefined plus a GPU_TOOL_FAILED finding
 * quoting the first line of what it printed.
 */
export async function runTool<T>(
  host: Host,
  name: ToolName,
  parse: (stdout: string) => T,
  ev: Evidence[],
  findings: Finding[],
  signal?: AbortSignal,
  fallback?: ToolFallback<T>,
  /** cut to fit the probe's deadline (detect-linux derives it); the table's timeout at most */
  timeoutMs: number = TOOL_TIMEOUT_MS,
): Promise<T | undefined> {
  const t = TOOLS[name];
  const label = `${t.file} ${t.args.join(' ')}`.slice(0, 120);
  let r;
  try {
    r = await host.exec(t.file, [...t.args], { timeoutMs: Math.round(timeoutMs), maxBytes: 8 << 20, signal });
  } catch (e) {
    ev.push({ source: label, ok: false, detail: `threw: ${String(e)}` });
    return undefined;
  }
  if (r.status === 'not-found') return undefined;
  const quote = firstLine(r.stdout) || firstLine(r.stderr);
  if (r.status === 'failed' && fallback && fallback.when.test(`${r.stdout}\n${r.stderr}`)) {
    ev.push({ source: label, ok: true, detail: `${fallback.why}: ${quote ?? ''}`.trim() });
    return runTool(host, fallback.name, fallback.parse, ev, findings, signal);
  }
  if (r.status !== 'ok') {
    const how = r.status === 'timeout' ? `timed out after ${Math.round(timeoutMs)} ms` : r.signal ? `was killed by ${r.signal}` : r.status === 'failed' ? `exited ${r.code}` : `could not run (${r.error ?? r.status})`;
    ev.push({ source: label, ok: false, detail: how });
    findings.push(finding('GPU_TOOL_FAILED', { tool: t.file, how, firstLine: quote || null }));
    return undefined;
  }
  if (r.truncated) {
    // Cut at the byte bound: whatever parses would list fewer devices than there are.
    ev.push({ source: label, ok: false, detail: 'output truncated at the byte bound' });
    findings.push(finding('GPU_TOOL_FAILED', { tool: t.file, how: 'printed more than the output bound; the output was cut', firstLine: quote || null }));
    return undefined;
  }
  try {
    const v = parse(r.stdout);
    ev.push({ source: label, ok: true, ...(r.note ? { detail: r.note } : {}) });
    return v;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    ev.push({ source: label, ok: false, detail: `unreadable output: ${why}` });
    findings.push(finding('GPU_TOOL_FAILED', { tool: t.file, how: `printed output that is not what it should be (${why})`, firstLine: quote || null }));
    return undefined;
  }
}
