// End to end through the executable, as a user runs it: `hwprobe --json --calibrate off` on this machine,
// checked against independent tools (lscpu/nproc/ld.so/systemd-detect-virt). Each check skips, saying so,
// when the tool or platform is missing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate } from '../src/schemas.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(`${root}dist/src/cli.js`);
// The compiled bin when `npm install` built it (as a user runs it); else the source through tsx.
const bin = built ? [`${root}dist/src/cli.js`] : ['--import', 'tsx', `${root}src/cli.ts`];

function hwprobe(args: string[], wrap: string[] = [], env: NodeJS.ProcessEnv = process.env) {
  const argv = [...wrap, process.execPath, ...bin, ...args];
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tool(file: string, args: string[], env?: NodeJS.ProcessEnv): string | undefined {
  try {
    return execFileSync(file, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout;
    return typeof out === 'string' && out ? out : undefined;
  }
}
const skip = (why: string) => console.log(`  skipped: ${why}`);
const linux = process.platform === 'linux';

let report: any;
test('hwprobe --json --calibrate off exits 0 with a schema-valid report', () => {
  if (!built) skip('dist/ not built; running src through tsx');
  const r = hwprobe(['--json', '--calibrate', 'off']);
  assert.is(r.code, 0, r.stderr);
  report = JSON.parse(r.stdout);
  assert.equal(validate('report', report), []);
  assert.is(report.complete, true);
});

test('facts.flags equal the /proc/cpuinfo flags', () => {
  if (!linux || !['x64', 'ia32'].includes(process.arch)) return skip('not x86 Linux');
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => /^flags\s*:/.test(l))!;
  assert.equal(report.probes.cpu.facts.flags, line.split(':')[1].trim().split(/\s+/));
});

test('the logical CPU count matches nproc --all and lscpu', () => {
  const all = tool('nproc', ['--all']);
  if (!all) return skip('no nproc');
  assert.is(report.probes.cpu.facts.logicalCpus, Number(all.trim()));
  assert.is(report.host.cpuCount, Number(all.trim()));
  const usable = Number(tool('nproc', [])!.trim());
  assert.is(report.probes.environment.facts.usableCpus, usable);
  const ls = tool('lscpu', []);
  if (!ls) return skip('no lscpu');
  assert.is(report.probes.cpu.facts.logicalCpus, Number(/^CPU\(s\):\s*(\d+)/m.exec(ls)![1]));
});

const ldso = '/lib64/ld-linux-x86-64.so.2';
function ldsoLevel(env?: NodeJS.ProcessEnv): string | null {
  const out = tool(ldso, ['--help'], env) ?? '';
  return /^\s*(x86-64-v\d) \(supported/m.exec(out)?.[1] ?? null;
}

test('the highest advertised x86-64 level is the one ld.so --help marks supported', () => {
  if (!linux || process.arch !== 'x64' || !existsSync(ldso)) return skip('no x86-64 glibc ld.so');
  const level = ldsoLevel({ PATH: process.env.PATH });
  const advertised = ['v4', 'v3', 'v2'].map((v) => `x86-64-${v}`).find((l) => report.capabilities[`cpu.isa.${l}`]?.advertised);
  assert.is(advertised ?? null, level);
});

test('with GLIBC_TUNABLES masking AVX2, the usable level follows ld.so', () => {
  if (!linux || process.arch !== 'x64' || !existsSync(ldso)) return skip('no x86-64 glibc ld.so');
  const env = { ...process.env, GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2' };
  const r = JSON.parse(hwprobe(['--json', '--calibrate', 'off', '--probes', 'cpu'], [], env).stdout);
  assert.is(r.probes.cpu.facts.glibcHwcapsLevel, ldsoLevel(env));
  if (r.capabilities['cpu.simd.avx2'].advertised) {
    assert.is(r.capabilities['cpu.simd.avx2'].usable, false);
    assert.ok(r.findings.some((f: { code: string }) => f.code === 'CPU_HWCAPS_MASKED'));
  }
});

test('the VM and the container are named as systemd-detect-virt names them', () => {
  const vm = tool('systemd-detect-virt', ['--vm'])?.trim();
  const ct = tool('systemd-detect-virt', ['--container'])?.trim();
  if (vm === undefined || ct === undefined) return skip('no systemd-detect-virt');
  const env = report.probes.environment.facts;
  assert.is(env.virtualization.isVirtual, vm !== 'none');
  if (vm !== 'none') assert.is(env.virtualization.technology, vm);
  assert.is(env.container.isContainer, ct !== 'none');
  if (ct !== 'none') assert.is(env.container.engine, ct);
});

test('under taskset -c 0, ENV_AFFINITY fires', () => {
  if (!tool('taskset', ['-c', '0', 'true']) && spawnSync('taskset', ['-c', '0', 'true']).status !== 0) return skip('no taskset');
  if (report.host.cpuCount < 2) return skip('a single CPU: nothing to restrict');
  const r = JSON.parse(hwprobe(['--json', '--calibrate', 'off', '--probes', 'environment'], ['taskset', '-c', '0']).stdout);
  assert.ok(r.findings.some((f: { code: string }) => f.code === 'ENV_AFFINITY'));
  assert.is(r.probes.environment.facts.usableCpus, 1);
});

test('bad input through the executable exits 2 without a stack trace', () => {
  const r = hwprobe(['--probes', 'gpu-nope']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /valid names/);
  assert.not.match(r.stderr, /\s+at /);
});

test.run();
