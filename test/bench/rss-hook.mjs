// Bench-only preload: reports this process's peak RSS on fd 3 when it exits.
import { writeSync } from 'node:fs';
process.on('exit', () => {
  try {
    writeSync(3, String(process.resourceUsage().maxRSS * 1024));
  } catch {
    /* fd 3 not open: not under the bench */
  }
});
