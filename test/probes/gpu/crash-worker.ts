// A worker that crashes for real, for the fault tests: it announces the opencl stack, then reads
// address 16 through koffi, which the kernel answers with SIGSEGV.
import { writeSync } from 'node:fs';
import koffi from 'koffi';

writeSync(1, JSON.stringify({ stack: 'opencl', begin: true }) + '\n');
koffi.decode(16n, 'int'); // address 16: not NULL for koffi, unmapped for the kernel
