/**
 * A crypto calibration child: `node worker.js '{"level":"quick","budget":{…}}'`, started by
 * calibrate.ts once per side (the accelerated path with the host's environment, the software path
 * with an OpenSSL capability mask). It stays alive and measures on command, so the parent can
 * interleave rounds between the two sides (A B A B…) without paying a Node start-up per kernel.
 *
 * The line protocol (one JSON object per line; stdin → commands, stdout → replies):
 *   start-up:                                   → {"ready":true}
 *   {"op":"round","metric":"crypto.aes-128-gcm","n":3}  → {"ok":true,"rates":[GB/s, …]}
 *   {"op":"finish","metric":"crypto.aes-128-gcm"}       → {"ok":true,"check":null|"why","digest":"…","engine":"…"}
 *   anything that fails                          → {"ok":false,"error":"why"}
 * The first round of a kernel sets it up and warms it up (same harness as every other probe:
 * src/calibration.ts openSampler). The child exits when its stdin closes.
 */
import { createInterface } from 'node:readline';
import { openSampler, type LevelBudget, type Sampler } from '../../src/calibration.js';
import { CRYPTO_KERNELS } from './tables.js';
import { crossDigest, cryptoKernel } from './kernels.js';

/** What the parent passes on the command line. */
interface Config {
  level: 'quick' | 'full';
  budget?: Partial<LevelBudget>;
}

/** A command on stdin. */
type Command = { op: 'round'; metric: string; n: number } | { op: 'finish'; metric: string };

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const level = config.level === 'full' ? 'full' : 'quick';
const samplers = new Map<string, Sampler>();
/** Which engine each kernel ran on (kernels.ts: node's OpenSSL in place, or node:crypto update()). */
const engines = new Map<string, string>();
const reply = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function handle(cmd: Command): Promise<object> {
  const row = CRYPTO_KERNELS.find((r) => r.metric === cmd.metric);
  if (!row) return { ok: false, error: `unknown kernel ${String(cmd.metric)}` };
  if (cmd.op === 'round') {
    let s = samplers.get(row.metric);
    if (!s) {
      s = await openSampler(
        cryptoKernel(row, (engine) => engines.set(row.metric, engine)),
        { level, budget: config.budget },
      );
      samplers.set(row.metric, s);
    }
    return { ok: true, rates: await s.take(Math.max(1, Math.min(100, Math.floor(cmd.n) || 1))) };
  }
  if (cmd.op === 'finish') {
    const engine = engines.get(row.metric) ?? null;
    const check = (await samplers.get(row.metric)?.finish()) ?? null;
    let digest: string | null = null;
    try {
      digest = crossDigest(row);
    } catch {
      /* the parent treats a missing digest as "not compared" */
    }
    return { ok: true, check, digest, engine };
  }
  return { ok: false, error: `unknown op ${String((cmd as { op?: unknown }).op)}` };
}

// One command at a time, in order: the parent waits for each reply before the next command.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    let cmd: Command;
    try {
      cmd = JSON.parse(line) as Command;
    } catch {
      reply({ ok: false, error: 'not a JSON command' });
      return;
    }
    try {
      reply(await handle(cmd));
      return;
    } catch (e) {
      reply({ ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  });
});
reply({ ready: true });
