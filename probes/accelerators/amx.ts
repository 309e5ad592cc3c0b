/**
 * The AMX permission check, run inside the FFI worker (probes/gpu/ffi-worker.ts, stack `amx`): asks
 * the Linux kernel, through koffi and syscall(SYS_arch_prctl, …), whether AMX tile data is supported
 * and whether this process may use it (Linux 5.16+ makes a process request the permission first).
 * The request is made in the worker only; the parent is not changed.
 */
import { loadKoffi } from '../../src/koffi.js';
import { ARCH_PRCTL } from './tables.js';

const koffi = loadKoffi();

/** What the kernel says about XTILEDATA for the calling process. */
export interface AmxAnswer {
  /** errno 22 (EINVAL) on GET_XCOMP_SUPP: a kernel older than 5.16, which has no AMX support */
  supportedRc: number;
  supportedErrno: number;
  kernelSupports: boolean;
  permittedBefore: boolean;
  requestRc: number;
  requestErrno: number;
  permittedAfter: boolean;
  xcompSupp: string;
}

/** Queries and requests the XTILEDATA permission for this process. Throws when libc or the syscall cannot be bound. */
export function queryAmx(): AmxAnswer {
  const libc = koffi.load('libc.so.6');
  const syscall = libc.func('long syscall(long, ...)');
  const bit = 1n << BigInt(ARCH_PRCTL.XFEATURE_XTILEDATA);
  const get = (code: number) => {
    const v = new BigUint64Array(1);
    koffi.errno(0);
    const rc = Number(syscall(ARCH_PRCTL.SYS_arch_prctl, 'long', code, 'uint64_t *', v));
    return { rc, errno: rc === 0 ? 0 : koffi.errno(), value: v[0] };
  };
  const supp = get(ARCH_PRCTL.ARCH_GET_XCOMP_SUPP);
  const before = get(ARCH_PRCTL.ARCH_GET_XCOMP_PERM);
  koffi.errno(0);
  const req = Number(syscall(ARCH_PRCTL.SYS_arch_prctl, 'long', ARCH_PRCTL.ARCH_REQ_XCOMP_PERM, 'long', ARCH_PRCTL.XFEATURE_XTILEDATA));
  const reqErrno = req === 0 ? 0 : koffi.errno();
  const after = get(ARCH_PRCTL.ARCH_GET_XCOMP_PERM);
  return {
    supportedRc: supp.rc,
    supportedErrno: supp.errno,
    kernelSupports: supp.rc === 0 && (supp.value & bit) !== 0n,
    permittedBefore: before.rc === 0 && (before.value & bit) !== 0n,
    requestRc: req,
    requestErrno: reqErrno,
    permittedAfter: after.rc === 0 && (after.value & bit) !== 0n,
    xcompSupp: `0x${supp.value.toString(16)}`,
  };
}
