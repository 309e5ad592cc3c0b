/** glibc's view of the CPU: GLIBC_TUNABLES masks and the ld.so hwcaps oracle (platform-free parsers). */
import { GLIBC_DISABLEABLE, GLIBC_TO_KERNEL } from './tables.js';

/** What `glibc.cpu.hwcaps` in a GLIBC_TUNABLES value asks for. */
export interface HwcapsTunable {
  /** The raw `glibc.cpu.hwcaps` value, or null when the tunable is absent. */
  value: string | null;
  /** glibc names turned off (`-NAME`), in order. */
  disabled: string[];
  /** Kernel flags glibc really masks (names it accepts and this probe can map). */
  maskedFlags: string[];
  /** Names glibc ignores (not in its list, or spelled in another case). */
  ignored: string[];
}

/**
 * Parses GLIBC_TUNABLES (`name=value:name=value`, glibc elf/dl-tunables.c) and returns the
 * `glibc.cpu.hwcaps` part. Entries without `-` (`+NAME`, bare names) only set preferences in
 * glibc and never disable a feature, so they are ignored. The last occurrence wins, as in glibc.
 */
export function parseHwcapsTunable(tunables: string | undefined): HwcapsTunable {
  const res: HwcapsTunable = { value: null, disabled: [], maskedFlags: [], ignored: [] };
  if (!tunables) return res;
  for (const part of tunables.split(':')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === 'glibc.cpu.hwcaps') res.value = part.slice(eq + 1);
  }
  if (res.value === null) return res;
  for (const item of res.value.split(',')) {
    const t = item.trim();
    if (!t.startsWith('-')) continue;
    const name = t.slice(1);
    if (!name) continue;
    res.disabled.push(name);
    if (!(GLIBC_DISABLEABLE as readonly string[]).includes(name)) {
      res.ignored.push(name);
      continue;
    }
    const flag = GLIBC_TO_KERNEL[name];
    if (flag) res.maskedFlags.push(flag); // names without a row (CX8, ERMS, HTT…) mask nothing this probe reports
  }
  return res;
}

/** One line of ld.so's "Subdirectories of glibc-hwcaps directories" section. */
export interface HwcapsSubdir {
  name: string;
  supported: boolean;
  searched: boolean;
}

/**
 * Parses `ld.so --help`: the glibc-hwcaps subdirectories, e.g. `  x86-64-v3 (supported, searched)`.
 * Returns null when the section is absent (glibc < 2.33, musl, not ld.so).
 */
export function parseLdsoHelp(text: string): HwcapsSubdir[] | null {
  const lines = text.split(/\r\n|\r|\n/);
  const start = lines.findIndex((l) => /^Subdirectories of glibc-hwcaps directories/.test(l));
  if (start < 0) return null;
  const out: HwcapsSubdir[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(l)) break;
    const m = /^\s+(\S+)(?:\s+\(([^)]*)\))?/.exec(l);
    if (!m) break;
    const notes = (m[2] ?? '').split(',').map((s) => s.trim());
    out.push({ name: m[1], supported: notes.includes('supported'), searched: notes.includes('searched') });
  }
  return out;
}
