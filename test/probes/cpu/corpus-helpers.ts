/** Shared helpers for the cpu probe tests: the fixture corpus and replay hosts built from it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, execResult, makeCapture } from '../../../src/host/capture.js';
import type { Capture } from '../../../src/host/capture.js';
import type { ProbeContext } from '../../../src/types.js';

/** fixtures/corpus, resolved from this file (tests never read ../shared). */
export const CORPUS = fileURLToPath(new URL('../../../fixtures/corpus/', import.meta.url));

/** One MANIFEST entry (the fields the tests read). */
export interface Entry {
  path: string;
  category: 'cpuinfo' | 'sysctl' | 'lscpu';
  expected: {
    visible_in_file: Record<string, unknown>;
    stated_by_source: Record<string, unknown> | null;
  };
  notes?: string[];
}

/** The fixture manifest's entries. */
export function entries(): Entry[] {
  return (JSON.parse(readFileSync(CORPUS + 'MANIFEST.json', 'utf8')) as { entries: Entry[] }).entries;
}

/** A fixture's text, byte-exact (latin1 would also do: the corpus is ASCII/UTF-8). */
export function fixture(path: string): string {
  return readFileSync(CORPUS + path, 'utf8');
}

/** Node arch for a cpuinfo architecture directory. */
export const NODE_ARCH_BY_DIR: Record<string, string> = {
  x86_64: 'x64',
  x86: 'ia32',
  aarch64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64',
  ppc64le: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
  sparc64: 'sparc64',
  loongarch64: 'loong64',
  ppc: 'ppc',
};

/** A probe context for tests. */
export function ctx(): ProbeContext {
  return { signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} };
}

/** A replay host serving one /proc/cpuinfo. */
export function cpuinfoHost(text: string, arch: string, extra: Partial<Capture> = {}): ReplayHost {
  return new ReplayHost(
    makeCapture({ ...extra, files: { '/proc/cpuinfo': text, ...(extra.files ?? {}) }, info: { platform: 'linux', arch } }),
  );
}

/** A replay host whose `sysctl machdep.cpu hw` prints `text` (macOS). */
export function sysctlHost(text: string, arch: string): ReplayHost {
  return new ReplayHost(
    makeCapture({
      info: { platform: 'darwin', arch, type: 'Darwin' },
      exec: {
        [execKey('sysctl', ['machdep.cpu', 'hw'])]: execResult(text),
      },
    }),
  );
}

/** An ExecResult that printed `stdout`. */
export const okExec = (stdout: string) => execResult(stdout);

/** Distinct values, sorted. */
export const sortedSet = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** A visible_in_file value as a list (the manifest gives one string, or the distinct values in order). */
export const asList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [v as string]);
