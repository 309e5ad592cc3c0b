/**
 * Records the frameworks probe's part of a capture on this machine, under a capture's environment.
 *
 *   node --import tsx test/helpers/record-frameworks.ts refresh fixtures/captures/NAME.json
 *     replaces the capture's Python interpreter runs (and the files, links and calls the frameworks
 *     probe reads) with a fresh recording under the capture's own allowlisted environment: needed
 *     whenever the inspection script changes, since a run is replayed by its exact argv.
 *   node --import tsx test/helpers/record-frameworks.ts new OUT.json "description" [VAR=value ...] [--max-bytes=N]
 *     records a frameworks-only capture with the variables set (VAR= unsets), for fixtures/frameworks/
 *     (--max-bytes: the per-run output cap, for the over-the-cap fixture).
 *
 * Both run the real interpreters of this machine; nothing is hand-made.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { RecordingHost } from '../../src/host/recording-host.js';
import { envAllowlist } from '../../src/host/env-allowlist.js';
import type { Capture } from '../../src/host/capture.js';
import { detectFrameworks } from '../../probes/frameworks/detect.js';
import { DEFAULT_BUDGET } from '../../probes/frameworks/interpreters.js';
import { canonicalize } from '../../src/canonical.js';

/** process.env with every allowlisted variable replaced by `env`'s (the inspected environment). */
function envOf(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const name of envAllowlist().keys()) if (name !== 'PATH') delete out[name];
  for (const [k, v] of Object.entries(env)) if (v !== '<set>') out[k] = v;
  return out;
}

/** Runs the frameworks detection on a RecordingHost over `env` and returns what it recorded. */
async function record(env: NodeJS.ProcessEnv, description: string, maxBytes = DEFAULT_BUDGET.maxBytes): Promise<Capture> {
  const host = new RecordingHost({ env, description });
  await detectFrameworks(host, { signal: new AbortController().signal, peers: {} }, { ...DEFAULT_BUDGET, maxBytes });
  return host.capture();
}

function writeAtomic(path: string, c: unknown): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(c, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

const [mode, path, ...rest] = process.argv.slice(2);
if (mode === 'refresh') {
  const cap = JSON.parse(readFileSync(path, 'utf8')) as Capture;
  const fresh = await record(envOf(cap.env), cap.source.description);
  // The old interpreter runs are dropped: their argv (the old script) no longer matches anything.
  for (const k of Object.keys(cap.exec)) if (k.includes('__HWPROBE')) delete cap.exec[k];
  Object.assign(cap.exec, fresh.exec);
  // What the capture already holds (/proc/cpuinfo, cgroup files…) stays as it was: other probes' goldens read it.
  for (const part of ['files', 'dirs', 'links', 'exists', 'calls'] as const) {
    const into = cap[part] as Record<string, unknown>;
    for (const [k, v] of Object.entries(fresh[part])) if (!(k in into)) into[k] = v;
  }
  const note = ` Frameworks records (the Python interpreter runs) re-recorded ${fresh.createdAt.slice(0, 10)} on the same machine under the same environment, after the inspection script changed.`;
  cap.source = { ...cap.source, description: cap.source.description.replace(/ Frameworks records \(the Python.*$/, '') + note };
  writeAtomic(path, canonicalize(cap));
  console.log(`${path}: ${Object.keys(fresh.exec).length} runs recorded`);
} else if (mode === 'new') {
  const [description, ...assignments] = rest;
  const env = { ...process.env };
  let maxBytes: number | undefined;
  for (const a of assignments) {
    if (a.startsWith('--max-bytes=')) {
      maxBytes = Number(a.slice('--max-bytes='.length));
      continue;
    }
    const i = a.indexOf('=');
    const [k, v] = [a.slice(0, i), a.slice(i + 1)];
    if (v === '') delete env[k];
    else env[k] = v;
  }
  writeAtomic(path, await record(env, description, maxBytes));
  console.log(`${path}: recorded`);
} else {
  console.error('usage: record-frameworks.ts refresh CAPTURE.json | new OUT.json DESCRIPTION [VAR=value ...]');
  process.exit(2);
}
