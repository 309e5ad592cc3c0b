/**
 * The accelerators probe's FFI worker: asks the Linux kernel, through koffi and
 * syscall(SYS_arch_prctl, …), whether AMX tile data is supported and whether this process may
 * use it (Linux 5.16+ makes a process request the permission first). Prints one JSON line in the
 * worker-client protocol. The request is made in this child only; the parent is not changed.
 *
 *   node amx-worker.js
 */
import { writeSync } from 'node:fs';
import koffi from 'koffi';
import { ARCH_PRCTL } from './tables.js';

const emit = (l: unknown) => writeSync(1, JSON.stringify(l) + '\n');

emit({ stack: 'amx', begin: true });
try {
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
  emit({
    stack: 'amx',
    result: {
      // errno 22 (EINVAL) on GET_XCOMP_SUPP: a kernel older than 5.16, which has no AMX support
      supportedRc: supp.rc,
      supportedErrno: supp.errno,
      kernelSupports: supp.rc === 0 && (supp.value & bit) !== 0n,
      permittedBefore: before.rc === 0 && (before.value & bit) !== 0n,
      requestRc: req,
      requestErrno: reqErrno,
      permittedAfter: after.rc === 0 && (after.value & bit) !== 0n,
      xcompSupp: `0x${supp.value.toString(16)}`,
    },
  });
} catch (e) {
  emit({ stack: 'amx', error: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
}
