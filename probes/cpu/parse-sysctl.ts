/** macOS `sysctl` key/value text parser and conversion to kernel feature spellings (platform-free). */
import { DARWIN_ARM_TO_KERNEL, DARWIN_X86_TO_KERNEL } from './tables.js';

/** Parses `name: value` lines (the output of `sysctl <names>`); first occurrence wins. */
export function parseSysctl(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = /^([A-Za-z0-9_.]+)\s*[:=]\s?(.*)$/.exec(line);
    if (!m) continue;
    if (!(m[1] in out)) out[m[1]] = m[2].trim();
  }
  return out;
}

/** The raw Intel feature tokens of a sysctl map, as macOS spells them (features, leaf7, extfeatures). */
export function darwinX86RawFlags(s: Record<string, string>): string[] {
  const keys = ['machdep.cpu.features', 'machdep.cpu.leaf7_features', 'machdep.cpu.extfeatures'];
  return keys.flatMap((k) => (s[k] ? s[k].trim().split(/\s+/).filter(Boolean) : []));
}

/** Converts one macOS Intel token to its kernel spelling. */
export function darwinX86ToKernel(token: string): string {
  return (DARWIN_X86_TO_KERNEL as Record<string, string>)[token] ?? token.toLowerCase().replace(/\./g, '_');
}

/** The Apple Silicon feature set: `hw.optional.*` keys whose value is 1, converted to kernel names. */
export function darwinArmFeatures(s: Record<string, string>): { raw: string[]; features: string[] } {
  const raw: string[] = [];
  const features = new Set<string>();
  const table = DARWIN_ARM_TO_KERNEL as Record<string, readonly string[]>;
  for (const [k, v] of Object.entries(s)) {
    if (!k.startsWith('hw.optional.') || v.trim() !== '1') continue;
    raw.push(k);
    for (const f of table[k] ?? []) features.add(f);
  }
  return { raw, features: [...features] };
}

/** Whether a sysctl map describes an Apple Silicon (arm64) machine. */
export function darwinIsArm(s: Record<string, string>): boolean {
  return s['hw.optional.arm64'] === '1' || s['hw.cputype'] === '16777228' || /^Apple /.test(s['machdep.cpu.brand_string'] ?? '');
}
