// The README's library example (test/examples/gate.ts): it type-checks under `tsc --strict` with the
// rest of test/ (it imports 'hwprobe' through the package's own exports map, so the built .d.ts
// files are what it compiles against), it runs, and its output matches the library called here.
// README.md must quote it verbatim once it shows it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { probe, check } from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = fileURLToPath(new URL('../examples/gate.ts', import.meta.url));

test('the example resolves "hwprobe" through the exports map to the build', () => {
  assert.ok(existsSync(`${root}dist/src/index.js`) && existsSync(`${root}dist/src/index.d.ts`), 'run `npm run build` first (npm test does)');
  const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('hwprobe'))"], { cwd: root, encoding: 'utf8' });
  assert.match(resolved.trim(), /\/dist\/src\/index\.js$/);
});

test('the example runs and says what the library says', async () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', example], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const report = await probe({ probes: ['cpu', 'crypto', 'environment'] });
  const result = await check(report, ['x86-64-v2', { name: 'tls-service', require: [{ capability: 'crypto.aes', level: 'usable' }] }]);
  const lines = r.stdout.trim().split('\n');
  assert.equal(
    lines.slice(0, -1).map((l) => l.split(/\s+/).slice(0, 3).join(' ')),
    result.verdicts.map((v) => `${v.status} ${v.label}`.split(/\s+/).slice(0, 3).join(' ')),
    r.stderr,
  );
  assert.is(lines.at(-1), `code path: ${report.capabilities['cpu.simd.avx2']?.usable === true ? 'avx2' : 'portable'}`);
  assert.is(r.status, result.ok ? 0 : 1);
});

test('README.md quotes the example verbatim', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  if (!readme.includes('test/examples/gate.ts')) {
    console.log('  note: README.md does not show the library example yet; not checked');
    return;
  }
  const code = readFileSync(example, 'utf8').replace(/^\/\*\*[^]*?\*\/\n/, '');
  assert.ok(readme.includes(code.trim()), 'README.md quotes test/examples/gate.ts (without its header comment) verbatim');
});

test.run();
