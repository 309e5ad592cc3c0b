// Packaging: `npm pack` makes a tarball that runs with nothing else — `npx ./hwprobe-x.y.z.tgz --json`
// in a directory holding only the tarball gives a valid report; a program compiled under
// `tsc --strict` against the installed .d.ts files runs. Dependencies come from the npm cache where
// it has them (--prefer-offline); when the network is needed and missing, the install steps are
// skipped with a note. Slow (about 15-30 s: pack, two installs, tsc).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '../src/schemas.js';
import { cli } from './helpers/cli.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'hwprobe-pack-'));
const NETWORK = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|network|only-if-cached/i;
const quiet = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' };

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: quiet, timeout, maxBuffer: 64 * 2 ** 20 });
}

let tarball = '';
let files: string[] = [];

test('npm pack: schemas, profiles, the build and its .d.ts files; no tests, fixtures, bench or sources', () => {
  // --ignore-scripts: pack the build `npm test` made (prepare would rebuild dist/ under other tests' feet).
  assert.ok(existsSync(join(root, 'dist/src/index.js')), 'run `npm run build` first (npm test does)');
  const r = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  assert.is(r.status, 0, r.stderr);
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; size: number; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  files = info.files.map((f) => f.path).sort();
  console.log(`  ${info.filename}: ${(info.size / 1024).toFixed(0)} KiB packed, ${files.length} files`);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli.js', 'dist/validators/report.cjs', 'dist/validators/capture.cjs', 'dist/validators/expect.cjs', 'schemas/report.schema.json', 'schemas/expect.schema.json', 'schemas/capture.schema.json', 'schemas/profiles/x86-64-v3.json', 'schemas/profiles/aes-hw.json', 'schemas/findings.md']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  const bad = files.filter((f) => /^(test|fixtures|src|probes)\//.test(f) || /(^|\/)(bench|build)\//.test(f) || /\.tsbuildinfo$|\.test\.|\.bench\./.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
  assert.equal(bad, [], 'no tests, fixtures, bench, build scripts or TypeScript sources');
  assert.ok(files.includes(pkg.bin.hwprobe), 'the bin is in the tarball');
});

test('a directory holding only the tarball: npx ./hwprobe-x.y.z.tgz --json --calibrate off gives a valid report', () => {
  const dir = join(work, 'only');
  mkdirSync(dir);
  copyFileSync(tarball, join(dir, 'pkg.tgz'));
  const t0 = performance.now();
  const r = run('npx', ['--yes', '--prefer-offline', './pkg.tgz', '--json', '--calibrate', 'off'], dir);
  if (r.status !== 0 && NETWORK.test(r.stderr)) {
    console.log(`  note: skipped, npm needs the network for a dependency the cache lacks: ${r.stderr.split('\n').find((l) => NETWORK.test(l))}`);
    return;
  }
  assert.is(r.status, 0, r.stderr);
  console.log(`  npx ./pkg.tgz --json --calibrate off: ${((performance.now() - t0) / 1000).toFixed(1)} s (install included)`);
  const report = JSON.parse(r.stdout);
  assert.equal(validate('report', report), []);
  assert.is(report.tool.version, pkg.version);
  assert.equal(report.options.probes.length, Object.keys(report.probes).length);
  const v = run('npx', ['--yes', '--prefer-offline', './pkg.tgz', '--version'], dir);
  assert.is(v.stdout.trim(), pkg.version, v.stderr);
});

test('installed as a dependency: the library imports, and a program compiles under tsc --strict against its .d.ts and runs', () => {
  const dir = join(work, 'app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const i = run('npm', ['install', '--prefer-offline', '--omit=dev', '--no-package-lock', tarball], dir);
  if (i.status !== 0 && NETWORK.test(i.stderr)) {
    console.log(`  note: skipped, npm needs the network: ${i.stderr.split('\n').find((l) => NETWORK.test(l))}`);
    return;
  }
  assert.is(i.status, 0, i.stderr);
  // CommonJS callers get the ESM build through require(esm) (Node ≥ 20.19).
  const cjs = run(process.execPath, ['-e', "const h = require('hwprobe'); console.log(typeof h.probe, typeof h.check, typeof h.diff, h.version)"], dir);
  assert.is(cjs.stdout.trim(), `function function function ${pkg.version}`, cjs.stderr);
  copyFileSync(join(root, 'test/examples/gate.ts'), join(dir, 'gate.ts'));
  const tsc = run(process.execPath, [
    join(root, 'node_modules/typescript/bin/tsc'),
    '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--types', 'node', '--typeRoots', join(root, 'node_modules/@types'), '--skipLibCheck', '--outDir', 'out', 'gate.ts',
  ], dir);
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
  const ex = run(process.execPath, ['out/gate.js'], dir);
  assert.ok(ex.status === 0 || ex.status === 1, ex.stderr);
  assert.match(ex.stdout, /^(pass|fail) {2}cpu\.isa\.x86-64-v2 usable/m);
  assert.match(ex.stdout, /^code path: (avx2|portable)$/m);

  // A strict consumer without @types/node: the public .d.ts must not need Node's ambient types.
  const strict = join(dir, 'strict');
  mkdirSync(strict);
  writeFileSync(join(strict, 'package.json'), JSON.stringify({ name: 'strict', private: true, type: 'module' }));
  copyFileSync(join(root, 'test/examples/strict-consumer.ts'), join(strict, 'consumer.ts'));
  writeFileSync(join(strict, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', types: [], lib: ['es2022', 'dom'], outDir: 'out' },
    files: ['consumer.ts'],
  }));
  assert.not.ok(existsSync(join(dir, 'node_modules/@types/node')), '@types/node must not come with hwprobe');
  const st = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], strict);
  assert.is(st.status, 0, st.stdout + st.stderr);
  const sx = run(process.execPath, ['out/consumer.js'], strict);
  assert.is(sx.status, 0, sx.stderr);
  assert.match(sx.stdout, /^level .*; aes (true|false|null); verdicts \d+; diff ok true$/m);
  // And the compiler really checks the ids: a misspelt capability id is an error.
  writeFileSync(join(strict, 'consumer.ts'), "import { has, probe } from 'hwprobe';\nconst r = await probe({ calibrate: 'off' });\nconsole.log(has(r, 'crypto.aess', 'usable'));\n");
  const bad = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], strict);
  assert.is(bad.status, 2, bad.stdout);
  assert.match(bad.stdout, /'"crypto\.aess"' is not assignable/);
});

test('hwprobe completion prints a completion script calling this hwprobe; --get-yargs-completions lists the commands', async () => {
  const c = await cli(['completion']);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stdout, /###-begin-hwprobe-completions-###/);
  assert.match(c.stdout, / --get-yargs-completions /);
  const g = await cli(['--get-yargs-completions', 'hwprobe', '']);
  assert.equal(g.stdout.trim().split('\n').sort(), ['capture', 'check', 'completion', 'diff', 'profiles', 'run', 'schema', 'validate']);
});

test('every command has an example in its --help', async () => {
  for (const cmd of ['run', 'capture', 'check', 'diff', 'profiles', 'schema', 'validate']) {
    const h = await cli([cmd, '--help']);
    assert.match(h.stdout, /Examples:\n {2}hwprobe/, cmd);
  }
  assert.match((await cli(['--help'])).stdout, /hwprobe completion >> ~\/\.bashrc/);
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
