// The gpu probe and the accelerators probe share one FFI worker child per run (issue 17).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeHost } from '../../../src/host/node-host.js';
import { SourceLog } from '../../../src/host/timings.js';
import { RecordingHost } from '../../../src/host/recording-host.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import type { Host } from '../../../src/host/host.js';
import { gpuProbe } from '../../../probes/gpu/index.js';
import { accelProbe } from '../../../probes/accelerators/index.js';
import { WORKER_KEY } from '../../../probes/gpu/detect-linux.js';
import { AMX_WORKER_KEY } from '../../../probes/accelerators/detect.js';
import { hasAmxTile, librariesPresent, devNodes } from '../../../probes/gpu/shared-worker.js';
import type { ProbeContext } from '../../../src/types.js';

const ctx = (): ProbeContext => ({ signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} });
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

/** This machine with amx_tile added to /proc/cpuinfo's flags, so the accelerators probe asks for AMX (the kernel still answers for real). */
function withAmxFlag(inner: Host): Host {
  return new Proxy(inner, {
    get(t, k) {
      if (k === 'readFile') {
        return async (p: string) => {
          const v = await t.readFile(p);
          return p === '/proc/cpuinfo' && v ? v.replace(/^(flags\s*:.*)$/gm, '$1 amx_tile') : v;
        };
      }
      const v = Reflect.get(t, k);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

test('hasAmxTile reads the flags line only', () => {
  // Hand-written cpuinfo lines: the parser edge cases.
  const cases: [string | undefined, boolean][] = [
    ['flags\t\t: fpu sse2 amx_bf16 amx_tile avx2\n', true],
    ['flags\t\t: fpu sse2 amx_bf16 avx2\n', false],
    ['model name\t: amx_tile in a name\nflags\t\t: fpu\n', false],
    [undefined, false],
  ];
  for (const [text, want] of cases) assert.is(hasAmxTile(text), want, JSON.stringify(text));
});

test('live: gpu and accelerators together start one FFI worker, and each gets its own stacks', async () => {
  if (!linuxX64) return console.log('  skipped: not Linux x86-64');
  const log = new SourceLog();
  const real = new NodeHost({ timings: log });
  if (!(await librariesPresent(real, await devNodes(real)))) return console.log('  skipped: no GPU library (OpenCL ICD, CUDA) installed');
  const host = withAmxFlag(real);
  const [gpu, accel] = await Promise.all([gpuProbe.detect(host, ctx()), accelProbe.detect(host, ctx())]);
  const workers = log.summary().sources.filter((s) => s.kind === 'exec' && /ffi-worker/.test(s.source));
  assert.is(workers.length, 1, JSON.stringify(workers));
  assert.match(workers[0].source, / query amx,opencl,cuda,cudart,nvml$/);
  assert.is(workers[0].child, true);
  // The AMX answer is the kernel's (this CPU has no AMX: kernelSupports false); the gpu stacks are there too.
  assert.is(typeof (accel.facts.amxPermission as { kernelSupports?: unknown })?.kernelSupports, 'boolean', JSON.stringify(accel.evidence));
  assert.ok(gpu.evidence.some((e) => e.source === 'ffi opencl'), JSON.stringify(gpu.evidence));
  assert.not.ok(gpu.evidence.some((e) => e.source === 'ffi amx'), "the gpu probe reports only its own stacks");
});

test('live: a capture records the shared run under both call keys, and replays it', async () => {
  if (!linuxX64) return console.log('  skipped: not Linux x86-64');
  const rec = new RecordingHost();
  if (!(await librariesPresent(rec, await devNodes(rec)))) return console.log('  skipped: no GPU library installed');
  const host = withAmxFlag(rec);
  const live = await Promise.all([gpuProbe.detect(host, ctx()), accelProbe.detect(host, ctx())]);
  const cap = rec.capture();
  assert.ok(cap.calls[WORKER_KEY] && cap.calls[AMX_WORKER_KEY], 'both keys recorded');
  const replay = withAmxFlag(new ReplayHost(cap));
  const again = await Promise.all([gpuProbe.detect(replay, ctx()), accelProbe.detect(replay, ctx())]);
  assert.equal(again[1].capabilities['accel.amx'], live[1].capabilities['accel.amx']);
  assert.equal(again[0].capabilities, live[0].capabilities);
});

test.run();
