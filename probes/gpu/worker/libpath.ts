/**
 * Resolving a library name to an absolute path before dlopen (issue 13 §1): with an empty or "."
 * entry in LD_LIBRARY_PATH, dlopen("libOpenCL.so.1") loaded a planted library from the cwd. Here a
 * bare name is looked up only in absolute LD_LIBRARY_PATH entries, the directories the system's
 * /etc/ld.so.conf lists, and the standard library directories; koffi then loads that absolute
 * path, which the dynamic loader takes as is.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Debian/Ubuntu multiarch triplets by Node arch. */
const TRIPLETS: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', ppc64: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu' };

/** Directories named by an ld.so.conf file and its `include` globs (absolute entries only). */
function ldSoConf(file: string, depth = 0, out: string[] = []): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const inc = /^include\s+(\S+)/.exec(line);
    if (inc && depth < 4) {
      const dir = path.dirname(inc[1]);
      const re = new RegExp(`^${path.basename(inc[1]).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      let names: string[] = [];
      try {
        names = readdirSync(dir).filter((n) => re.test(n)).sort();
      } catch {
        /* none */
      }
      for (const n of names) ldSoConf(path.join(dir, n), depth + 1, out);
    } else if (path.isAbsolute(line)) out.push(line);
  }
  return out;
}

let trusted: string[] | undefined;

/** The directories searched, in order: absolute LD_LIBRARY_PATH entries, ld.so.conf, standard dirs. */
export function trustedLibraryDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  if (trusted) return trusted;
  const fromEnv = (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '' && path.isAbsolute(d));
  const t = TRIPLETS[process.arch];
  const std = [...(t ? [`/lib/${t}`, `/usr/lib/${t}`] : []), '/lib64', '/usr/lib64', '/lib', '/usr/lib'];
  trusted = [...new Set([...fromEnv, ...ldSoConf('/etc/ld.so.conf'), ...std])];
  return trusted;
}

/** The absolute path a library name resolves to (a name with a slash must be absolute), or undefined. */
export function resolveLibrary(name: string, dirs: readonly string[] = trustedLibraryDirs()): string | undefined {
  if (name.includes('/')) return path.isAbsolute(name) && existsSync(name) ? name : undefined;
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** koffi.load through resolveLibrary: the first name of a list that resolves and opens, or why none did. */
export function loadFirst<L>(names: readonly string[], load: (absPath: string) => L): { lib: L; library: string } | { absent: string } {
  const errors: string[] = [];
  for (const name of names) {
    const abs = resolveLibrary(name);
    if (!abs) {
      errors.push(`${name}: not found in the trusted library paths`);
      continue;
    }
    try {
      return { lib: load(abs), library: name };
    } catch (e) {
      errors.push(`${name}: ${String((e as Error).message ?? e).split('\n')[0]}`);
    }
  }
  return { absent: errors[0] ?? 'not found' };
}
