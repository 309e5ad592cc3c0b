/**
 * A strict consumer without @types/node (tsconfig `types: []`, lib es2022 + dom, no skipLibCheck):
 * test/package.test.ts compiles it against the packed .d.ts files and runs it. It uses the typed
 * facts, the literal id and code unions, probe(), check(), diff() and has().
 */
import { probe, check, diff, has, type FindingCode, type CapabilityId } from 'hwprobe';

const report = await probe({ probes: ['cpu', 'crypto', 'environment'], calibrate: 'off' });

// Typed facts: no casts.
const level: string | null | undefined = report.probes.cpu?.facts.x86_64Level;
const usable: number | null | undefined = report.probes.environment?.facts.usableCpus;

// Literal ids: a misspelt id is a compile error (`has(report, 'crypto.aess')` does not compile).
const want: CapabilityId = 'crypto.aes';
const aes = has(report, want, 'usable');

// An exhaustive switch needs the code union: a new code would make `never` fail to compile.
function kind(code: FindingCode): 'mask' | 'other' {
  switch (code) {
    case 'CRYPTO_MASKED':
    case 'CPU_HWCAPS_MASKED':
    case 'GPU_MASKED':
      return 'mask';
    default:
      return 'other';
  }
}

const result = await check(report, ['x86-64-v2']);
const d = await diff(report, report);
console.log(`level ${level ?? 'none'}; usable cpus ${usable ?? '?'}; aes ${aes}; verdicts ${result.verdicts.length}; diff ok ${d.ok}`);
console.log(`findings: ${report.findings.map((f) => `${f.code}=${kind(f.code)}`).join(' ') || 'none'}`);
