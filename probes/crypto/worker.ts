/**
 * The software-path child: `node worker.js '{"metric":"crypto.aes-128-gcm","level":"quick"}'`,
 * started by calibrate.ts with an OpenSSL capability mask in its environment. Measures one kernel
 * with the same harness as the parent and prints one JSON line: the metric and the cross digest.
 */
import { measure, type LevelBudget } from '../../src/calibration.js';
import { CRYPTO_KERNELS } from './tables.js';
import { crossDigest, cryptoKernel } from './kernels.js';

/** What the parent asks for. */
interface Request {
  metric: string;
  level: 'quick' | 'full';
  budget?: Partial<LevelBudget>;
}

const req = JSON.parse(process.argv[2] ?? '{}') as Request;
const row = CRYPTO_KERNELS.find((r) => r.metric === req.metric);
if (!row) {
  process.stdout.write(JSON.stringify({ error: `unknown kernel ${String(req.metric)}` }) + '\n');
  process.exitCode = 2;
} else {
  const metric = await measure(cryptoKernel(row), { level: req.level === 'full' ? 'full' : 'quick', probe: 'crypto', budget: req.budget });
  let digest: string | null = null;
  try {
    digest = crossDigest(row);
  } catch {
    /* the parent treats a missing digest as "not compared" */
  }
  process.stdout.write(JSON.stringify({ metric, digest }) + '\n');
}
