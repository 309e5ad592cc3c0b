// Live checks on the machine running the tests (Linux x64 with glibc); each skips with a note elsewhere.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { NodeHost } from '../../../src/host/node-host.js';
import { cpuProbe } from '../../../probes/cpu/index.js';
import { parseLdsoHelp } from '../../../probes/cpu/glibc.js';
import { ldsoLevelOf } from '../../../probes/cpu/detect-linux.js';
import { lscpuFacts, parseLscpu } from '../../../probes/cpu/parse-lscpu.js';
import { ctx } from './corpus-helpers.js';

const LDSO = '/lib64/ld-linux-x86-64.so.2';
const isLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

function run(file: string, args: string[], env?: NodeJS.ProcessEnv): string | null {
  try {
    return execFileSync(file, args, { env: env ?? process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/** Skips (with a note) unless `cond`; otherwise runs the test. */
function live(name: string, cond: boolean, why: string, fn: () => Promise<void> | void) {
  if (!cond) {
    console.log(`  (skipped live test "${name}": ${why})`);
    return;
  }
  test(name, fn);
}

// The first x86 `flags` line of /proc/cpuinfo, read here independently of the probe.
const firstFlagsLine = (): string[] | null => {
  if (!existsSync('/proc/cpuinfo')) return null;
  const m = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return m ? m[1].trim().split(/\s+/) : null;
};

live('live: facts.flags equals the first flags line of /proc/cpuinfo', isLinuxX64, 'needs Linux x64', async () => {
  const d = await cpuProbe.detect(new NodeHost(), ctx());
  assert.equal((d.facts as any).flags, firstFlagsLine());
});

const nproc = process.platform === 'linux' ? run('nproc', []) : null;
live('live: logical CPU count equals nproc', nproc !== null, 'nproc missing', async () => {
  const d = await cpuProbe.detect(new NodeHost(), ctx());
  assert.is((d.facts as any).logicalCpus, Number(nproc!.trim()));
});

const ldsoHelp = isLinuxX64 && existsSync(LDSO) ? run(LDSO, ['--help']) : null;
const ldsoSubdirs = ldsoHelp ? parseLdsoHelp(ldsoHelp) : null;
live('live: highest x86-64 level equals ld.so --help', ldsoSubdirs !== null, `${LDSO} missing or too old`, async () => {
  const d = await cpuProbe.detect(new NodeHost(), ctx());
  assert.is((d.facts as any).x86_64Level, ldsoLevelOf(ldsoSubdirs!) ?? 'x86-64');
  assert.equal(d.findings.filter((f) => f.code === 'CPU_HWCAPS_DISAGREE'), []);
});

for (const mask of ['-AVX2', '-AVX512F', '-AVX2,-AVX512F', '-SSE4_2', '-F16C']) {
  live(`live: GLIBC_TUNABLES=glibc.cpu.hwcaps=${mask} matches ld.so`, ldsoSubdirs !== null, `${LDSO} missing or too old`, async () => {
    const env = { ...process.env, GLIBC_TUNABLES: `glibc.cpu.hwcaps=${mask}` };
    const oracle = ldsoLevelOf(parseLdsoHelp(run(LDSO, ['--help'], env) ?? '') ?? []);
    const d = await cpuProbe.detect(new NodeHost({ env }), ctx());
    const f = d.facts as any;
    assert.is(f.glibcHwcapsLevel, oracle ?? (f.flags.includes('lm') ? 'x86-64' : null));
    assert.equal(d.findings.filter((x) => x.code === 'CPU_HWCAPS_DISAGREE'), []);
    if (oracle !== ldsoLevelOf(ldsoSubdirs!)) assert.ok(d.findings.some((x) => x.code === 'CPU_HWCAPS_MASKED'));
  });
}

const lscpuOut = process.platform === 'linux' ? run('lscpu', []) : null;
live('live: agrees with lscpu (Model name, CPU(s), Flags)', lscpuOut !== null && isLinuxX64, 'lscpu missing or not Linux x64', async () => {
  const ls = lscpuFacts(parseLscpu(lscpuOut!));
  const d = await cpuProbe.detect(new NodeHost(), ctx());
  const f = d.facts as any;
  if (ls.modelName) assert.is(f.model.replace(/\s+/g, ' '), ls.modelName.replace(/\s+/g, ' '));
  if (ls.cpus !== null) assert.is(f.logicalCpus, ls.cpus);
  if (ls.flags.length) assert.equal([...f.flags].sort(), [...ls.flags].sort());
  assert.equal(d.findings.filter((x) => x.code === 'CPU_SOURCE_DISAGREE'), []);
});

// Detection time is a figure for the bench (test/bench/detect.bench.ts), not a test: a timed
// assertion fails on a busy runner without anything being wrong.
live('live: detection twice in one process gives the same answer and never throws', process.platform === 'linux', 'not Linux', async () => {
  const a = await cpuProbe.detect(new NodeHost(), ctx());
  const b = await cpuProbe.detect(new NodeHost(), ctx());
  assert.equal(Object.keys(b.capabilities).sort(), Object.keys(a.capabilities).sort());
  assert.equal(b.facts.flags, a.facts.flags);
});

test.run();
