// Every probe emits only what it declared in its vocabulary (Probe.vocabulary): capability ids,
// metric ids with their units, finding codes (its own or the engine's), top-level fact keys. Run over
// every capture fixture (replayed) and over one live run of this machine with quick calibration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROBES } from '../../probes/index.js';
import { ENGINE_VOCABULARY } from '../../src/engine-vocabulary.js';
import { idMatches } from '../../src/expect/vocabulary.js';
import { ReplayHost } from '../../src/host/replay-host.js';
import { runProbes } from '../../src/runner.js';
import type { Host } from '../../src/host/host.js';
import type { Calibration, Probe } from '../../src/types.js';
import { loadCapture } from '../helpers/replay.js';

const engineCodes = new Set(Object.values(ENGINE_VOCABULARY.findings).flatMap((t) => Object.keys(t)));

/** What a run emitted that a probe did not declare, as readable lines. */
async function undeclared(host: Host, calibrate: 'off' | 'quick', probes: readonly Probe[] = PROBES): Promise<string[]> {
  const calibrations: Record<string, Calibration> = {};
  // Wrap each probe's calibration to attribute its metrics (the runner merges them into one record).
  const wrapped: Probe[] = probes.map((p) => {
    const cal = p.calibrate;
    return cal ? { ...p, calibrate: async (ctx, d) => (calibrations[p.id] = await cal.call(p, ctx, d)) } : p;
  });
  const run = await runProbes(host, wrapped, { calibrate, timeoutMs: 60_000 });
  const out: string[] = [];
  for (const p of probes) {
    const v = p.vocabulary;
    const d = run.detections[p.id];
    if (!d) continue;
    for (const id of Object.keys(d.capabilities)) if (!v.capabilities.some((c) => idMatches(c, id))) out.push(`${p.id}: capability ${id}`);
    const codes = new Set(Object.values(v.findings).flatMap((t) => Object.keys(t)));
    for (const f of d.findings) {
      if (!codes.has(f.code) && !engineCodes.has(f.code)) out.push(`${p.id}: finding ${f.code}`);
    }
    for (const k of Object.keys(run.probes[p.id].facts)) if (!v.facts.includes(k)) out.push(`${p.id}: fact ${k}`);
    for (const [id, m] of Object.entries(calibrations[p.id]?.metrics ?? {})) {
      const decl = Object.entries(v.metrics).find(([pattern]) => idMatches(pattern, id));
      if (!decl) out.push(`${p.id}: metric ${id}`);
      else if (decl[1] !== m.unit) out.push(`${p.id}: metric ${id} in ${m.unit}, declared in ${decl[1]}`);
    }
  }
  return out;
}

const captures = readdirSync(fileURLToPath(new URL('../../fixtures/captures/', import.meta.url))).filter((f) => f.endsWith('.json'));

test('the checker sees an undeclared id (a probe that emits what it did not declare)', async () => {
  const p = PROBES.find((x) => x.id === 'environment')!;
  const v = { ...p.vocabulary, capabilities: p.vocabulary.capabilities.filter((c) => c !== 'env.ci'), facts: p.vocabulary.facts.filter((k) => k !== 'ci') };
  const got = await undeclared(new ReplayHost(loadCapture(captures[0])), 'off', [{ ...p, vocabulary: v }]);
  assert.equal(got, ['environment: capability env.ci', 'environment: fact ci']);
});

for (const name of captures) {
  test(`replay of ${name}: every id, code and fact key is declared by its probe`, async () => {
    assert.equal(await undeclared(new ReplayHost(loadCapture(name)), 'off'), []);
  });
}

test('live run of this machine with quick calibration: every id, metric unit, code and fact key is declared', async () => {
  const { NodeHost } = await import('../../src/host/node-host.js');
  assert.equal(await undeclared(new NodeHost(), 'quick'), []);
});

test.run();
