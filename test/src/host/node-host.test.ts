import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHost, whichAbsolute } from '../../../src/host/node-host.js';

test('exec: a missing program is not-found, distinct from a program that fails', async () => {
  const h = new NodeHost();
  const missing = await h.exec('hwprobe-no-such-program-xyz', []);
  assert.is(missing.status, 'not-found');
  const failed = await h.exec('false', []);
  assert.is(failed.status, 'failed');
  assert.is(failed.code, 1);
  const ok = await h.exec('node', ['-e', 'process.stdout.write("hi")']);
  assert.is(ok.status, 'ok');
  assert.is(ok.stdout, 'hi');
});

test('exec: never a shell — metacharacters are passed literally', async () => {
  const h = new NodeHost();
  const r = await h.exec('node', ['-e', 'process.stdout.write(process.argv[1])', '$(echo pwned); `id` | cat']);
  assert.is(r.stdout, '$(echo pwned); `id` | cat');
});

test('exec: timeout kills the whole process tree', async () => {
  const h = new NodeHost();
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-'));
  const pidFile = join(dir, 'grandchild.pid');
  // The child starts a grandchild that would outlive a plain kill of the child.
  const script = `const {spawn}=require('child_process');const g=spawn(process.execPath,['-e','setInterval(()=>{},1000)'],{stdio:'ignore'});require('fs').writeFileSync(${JSON.stringify(pidFile)},String(g.pid));setInterval(()=>{},1000);`;
  const t0 = Date.now();
  const r = await h.exec('node', ['-e', script], { timeoutMs: 700 });
  assert.is(r.status, 'timeout');
  assert.ok(Date.now() - t0 < 5000, 'returned soon after the deadline');
  const gpid = Number(readFileSync(pidFile, 'utf8'));
  await new Promise((res) => setTimeout(res, 200));
  // Dead means gone, or a zombie waiting for a reaper (PID 1 in a container may never reap it).
  let alive = true;
  try {
    process.kill(gpid, 0);
    const stat = readFileSync(`/proc/${gpid}/stat`, 'utf8');
    alive = stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    alive = false;
  }
  assert.is(alive, false, 'grandchild was killed too');
});

test('exec: output is bounded', async () => {
  const h = new NodeHost();
  const r = await h.exec('node', ['-e', 'process.stdout.write("x".repeat(1e6))'], { maxBytes: 1000 });
  assert.is(r.stdout.length, 1000);
  assert.is(r.truncated, true);
});

test('PATH lookup skips relative and empty entries (nothing from the current directory)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-'));
  const prog = join(dir, 'lscpu');
  writeFileSync(prog, '#!/bin/sh\necho planted\n');
  chmodSync(prog, 0o755);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    assert.is(await whichAbsolute('lscpu', `.:${''}:relative/bin`), undefined);
    assert.is(await whichAbsolute('./lscpu', `/usr/bin`), undefined);
    assert.is(await whichAbsolute('lscpu', dir), prog);
  } finally {
    process.chdir(cwd);
  }
});

test('env: only allowlisted names are visible; presence-only names hide their value', () => {
  const h = new NodeHost({
    env: { GITHUB_TOKEN: 'ghp_secret', GITHUB_ACTIONS: 'true', KUBERNETES_SERVICE_HOST: '10.0.0.1', OPENSSL_ia32cap: '~0x200000200000000' },
  });
  assert.is(h.env('GITHUB_TOKEN'), undefined);
  assert.is(h.env('GITHUB_ACTIONS'), 'true');
  assert.is(h.env('KUBERNETES_SERVICE_HOST'), '<set>');
  assert.is(h.env('OPENSSL_ia32cap'), '~0x200000200000000');
});

test('files: absence is undefined, not a throw', async () => {
  const h = new NodeHost();
  assert.is(await h.readFile('/nonexistent/hwprobe'), undefined);
  assert.is(await h.readDir('/nonexistent/hwprobe'), undefined);
  assert.is(await h.exists('/nonexistent/hwprobe'), false);
  assert.ok((await h.readDir('/'))!.length > 0);
});

test.run();
