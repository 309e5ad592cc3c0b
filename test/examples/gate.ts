/**
 * README example: probe this machine, then gate on expectations and pick a code path.
 * Quoted verbatim by README.md and run by test/src/example.test.ts; test/package.test.ts compiles it against the packed .d.ts files.
 */
import { probe, check, type ProgressEvent } from 'hwprobe';

const ac = new AbortController();
const report = await probe({
  probes: ['cpu', 'crypto', 'environment'],
  calibrate: 'off', // detection only: about 0.1 s; 'quick' also measures
  timeoutMs: 5_000,
  signal: ac.signal,
  onProgress: (e: ProgressEvent) => void (e.type === 'probe-end' && e.status !== 'ok' && console.error(`${e.probe}: ${e.status}`)),
});

// A built-in profile and an inline expectation document.
const result = await check(report, [
  'x86-64-v2',
  { name: 'tls-service', require: [{ capability: 'crypto.aes', level: 'usable', why: 'AES-GCM for TLS' }] },
]);
for (const v of result.verdicts) {
  console.log(`${v.status}  ${v.label}${v.status === 'fail' ? ` (${v.reasons[0]})` : ''}`);
}

// Choose a code path from the report: null means "could not tell", never "no".
const avx2 = report.capabilities['cpu.simd.avx2']?.usable === true;
console.log(`code path: ${avx2 ? 'avx2' : 'portable'}`);
process.exitCode = result.ok ? 0 : 1;
