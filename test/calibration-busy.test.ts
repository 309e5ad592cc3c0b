// Calibration with every core busy (issue 12 item 10): `stress-ng --cpu $(nproc)` runs beside the
// crypto, WASM SIMD and tfjs calibrations. Working hardware must never be called ineffective
// (effective is true, or null with an "inconclusive: " reason), and an AES-NI mask
// (OPENSSL_ia32cap) must still be caught. No speed is asserted. Skips with a printed reason where
// stress-ng is not installed (`.ci/run` installs it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { calibrateCrypto } from '../probes/crypto/calibrate.js';
import { detectCrypto } from '../probes/crypto/detect.js';
import { calibrateCpu } from '../probes/cpu/calibrate.js';
import { cpuProbe } from '../probes/cpu/index.js';
import { calibrateMl } from '../probes/ml/calibrate.js';
import { detectMl } from '../probes/ml/detect.js';
import { NodeHost } from '../src/host/node-host.js';
import { ContentionMonitor } from '../src/contention.js';
import type { Calibration, Detection, ProbeContext } from '../src/types.js';

const hasStress = spawnSync('stress-ng', ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0;

/** The contract for a capability on working hardware under load. */
function notIneffective(c: Calibration, d: Detection, id: string): string {
  const cap = c.capabilities?.[id];
  const det = d.capabilities[id];
  if (!cap || det?.advertised === false || det?.usable === false) return `${id}: not applicable here`;
  assert.is.not(cap.effective, false, `${id} called ineffective under load: ${cap.evidence.join('; ')} ${cap.notes ?? ''}`);
  if (cap.effective === null && cap.notes?.startsWith('inconclusive: '))
    assert.ok(c.findings?.some((f) => f.code === 'CALIBRATION_INCONCLUSIVE' && f.capability === id), `${id}: CALIBRATION_INCONCLUSIVE`);
  return `${id}: ${cap.effective}${cap.effective === null ? ` (${cap.notes ?? cap.evidence.at(-1)})` : ''}`;
}

if (!hasStress) {
  console.log('  skipped: stress-ng not installed (the busy-machine calibration test needs it; .ci/run installs it)');
} else {
  test('with every core busy (stress-ng --cpu N): working hardware is never called ineffective, and an AES-NI mask is still caught', async () => {
    const n = availableParallelism();
    // Its own process group, so the workers stress-ng forks are killed with it.
    const stress: ChildProcess = spawn('stress-ng', ['--cpu', String(n), '--timeout', '60s', '--quiet'], { stdio: 'ignore', detached: true });
    const monitor = new ContentionMonitor().start();
    const ctx: ProbeContext = { signal: new AbortController().signal, calibrate: 'quick', peers: {}, progress() {}, contention: () => monitor.summary() };
    const lines: string[] = [];
    try {
      await new Promise((r) => setTimeout(r, 500)); // let stress-ng take the cores
      const clean: NodeJS.ProcessEnv = { ...process.env };
      delete clean.OPENSSL_ia32cap;
      const host = new NodeHost({ env: clean });

      const dc = await detectCrypto(host, { ...ctx, calibrate: 'off' });
      const cc = await calibrateCrypto(ctx, dc);
      lines.push(notIneffective(cc, dc, 'crypto.aes'), notIneffective(cc, dc, 'crypto.sha256'));

      const dcpu = await cpuProbe.detect(host, { ...ctx, calibrate: 'off' });
      const cpu = await calibrateCpu(ctx, dcpu);
      lines.push(notIneffective(cpu, dcpu, 'cpu.wasm.simd128'));

      const dml = await detectMl(host);
      const ml = await calibrateMl(ctx, dml);
      lines.push(notIneffective(ml, dml, 'ml.tfjs.wasm-simd'));

      // The AES-NI mask: the detection sees it, and the calibration never says "effective".
      if (process.arch === 'x64' && dc.capabilities['crypto.aes']?.advertised) {
        const mask = (dc.facts.abPlan as { masks: Record<string, string> }).masks.aes;
        const masked = new NodeHost({ env: { ...clean, OPENSSL_ia32cap: mask } });
        const dm = await detectCrypto(masked, { ...ctx, calibrate: 'off' });
        assert.is(dm.capabilities['crypto.aes'].usable, false);
        assert.ok(dm.findings.some((f) => f.code === 'CRYPTO_MASKED' && f.capability === 'crypto.aes'), 'CRYPTO_MASKED');
        const cm = await calibrateCrypto(ctx, dm);
        assert.is.not(cm.capabilities!['crypto.aes'].effective, true, JSON.stringify(cm.capabilities!['crypto.aes']));
        lines.push(`masked crypto.aes: usable false, effective ${cm.capabilities!['crypto.aes'].effective}`);
      }
    } finally {
      // SIGTERM to the group lets stress-ng reap its workers; SIGKILL if it has not exited in 2 s.
      const kill = (sig: NodeJS.Signals) => {
        try {
          process.kill(-stress.pid!, sig);
        } catch {
          /* already gone */
        }
      };
      const exited = new Promise((r) => (stress.exitCode !== null || stress.signalCode !== null ? r(null) : stress.once('exit', r)));
      kill('SIGTERM');
      const t = setTimeout(() => kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    }
    const c = monitor.stop();
    console.log(`  busy: contention ${c.level} (runnable ${c.runnable}, CPU pressure ${c.cpuPressureSomeAvg10}%); ${lines.join('; ')}`);
  });
}

test.run();
