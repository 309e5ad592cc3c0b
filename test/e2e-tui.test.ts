// The real CLI in a real terminal: tmux runs `hwprobe` in a 110×45 pane; send-keys types, capture-pane reads.
// Skips, saying so, where tmux is not installed (.ci/run installs it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const bin = existsSync(`${root}dist/src/cli.js`) ? `node ${root}dist/src/cli.js` : `node --import tsx ${root}src/cli.ts`;
const session = `hwprobe-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(re: RegExp, ms: number): Promise<string> {
  const end = Date.now() + ms;
  let s = '';
  while (Date.now() < end) {
    s = screen();
    if (re.test(s)) return s;
    await sleep(100);
  }
  throw new Error(`screen never matched ${re}:\n${s}`);
}

test('live progress, final view, keys, q exits 0, nothing wider than the pane', async () => {
  if (!hasTmux) return console.log('  skipped: tmux is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-tui-'));
  const exitFile = join(dir, 'exit');
  // CI=true is set by CI itself; the TUI stays off under CI, so the pane's shell unsets it.
  const cmd = `cd ${root} && env -u CI ${bin} --probes cpu,crypto,gpu,environment --calibrate quick; echo $? > ${exitFile}; sleep 30`;
  tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '45', cmd);
  try {
    const live = await waitFor(/calibrating|detecting|waiting/, 15_000);
    assert.match(live, /probing this machine/);
    const final = await waitFor(/↑\/↓ j\/k section/, 90_000);
    for (const name of ['cpu', 'crypto', 'gpu', 'environment']) assert.match(final, new RegExp(`\\b${name}\\s+(ok|unsupported)`));
    assert.match(final, /adv use eff/);
    assert.match(final, /[✓✗?]\s+[✓✗?]\s+[✓✗?]/);
    for (const line of final.split('\n')) assert.ok([...line].length <= 110, `line wider than the pane: ${line}`);
    tmux('send-keys', '-t', session, 'j');
    assert.match(await waitFor(/▸ crypto/, 5000), /▸ crypto/);
    tmux('send-keys', '-t', session, 'Enter');
    assert.match(await waitFor(/▾ crypto/, 5000), /(fact|source)\s/);
    tmux('send-keys', '-t', session, 'q');
    const end = Date.now() + 5000;
    while (!existsSync(exitFile) && Date.now() < end) await sleep(100);
    assert.is(readFileSync(exitFile, 'utf8').trim(), '0');
    console.log(`  final screen (capture-pane):\n${final}`);
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
  }
});

test('piped output with NO_COLOR=1 has no escape codes and no cursor movement', () => {
  const r = spawnSync('sh', ['-c', `${bin} --calibrate off --probes cpu,environment | cat`], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stdout, /\x1b/);
  assert.match(r.stdout, /^hwprobe /);
});

test('FORCE_COLOR forces colour when piped; --format outputs never contain TUI output', () => {
  const c = spawnSync('sh', ['-c', `${bin} --calibrate off --probes cpu | cat`], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' } });
  assert.match(c.stdout, /\x1b\[/);
  const j = spawnSync('sh', ['-c', `${bin} --calibrate off --probes cpu --format json | cat`], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1' } });
  assert.not.match(j.stdout, /\x1b/);
  JSON.parse(j.stdout);
});

test.run();
