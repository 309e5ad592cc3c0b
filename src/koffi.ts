/**
 * koffi, loaded with require(): its CommonJS entry. Through import() its ES entry took twice the
 * wall time here (31 vs 16 ms, in the FFI and crypto workers' start-up).
 */
import { createRequire } from 'node:module';

/** The koffi module. Loading it loads its native addon: only in the worker processes that call C. */
export function loadKoffi(): typeof import('koffi') {
  return createRequire(import.meta.url)('koffi') as typeof import('koffi');
}
