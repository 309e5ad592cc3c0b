/** Containers: is this process in one, which engine made it, and is it a Kubernetes pod. */
import type { Host } from '../../src/host/host.js';
import { Trail, firstLine, sortedUnique } from './util.js';

/** Container engines this probe names. */
export type ContainerEngine = 'docker' | 'podman' | 'containerd' | 'cri-o' | 'lxc' | 'systemd-nspawn' | 'openvz' | 'wsl' | 'unknown';

/** facts.container */
export interface ContainerFacts {
  isContainer: boolean | null;
  engine: ContainerEngine | null;
  kubernetes: boolean;
  sources: string[];
}

/** systemd-detect-virt --container ids (and the `container` env values systemd defines) → engine. */
export const CONTAINER_IDS = {
  docker: 'docker',
  podman: 'podman',
  lxc: 'lxc',
  'lxc-libvirt': 'lxc',
  'systemd-nspawn': 'systemd-nspawn',
  openvz: 'openvz',
  wsl: 'wsl',
  containerd: 'containerd',
  'cri-o': 'cri-o',
  oci: 'unknown',
  rkt: 'unknown',
  proot: 'unknown',
  pouch: 'unknown',
  'container-other': 'unknown',
} as const satisfies Record<string, ContainerEngine>;

/**
 * Cgroup path patterns → engine, most specific first. Paths as seen from inside a container
 * without its own cgroup namespace (docker and podman on cgroup v1, many Kubernetes nodes).
 */
export const CGROUP_PATTERNS: ReadonlyArray<[RegExp, ContainerEngine]> = [
  [/\/libpod[-_]|\/machine\.slice\/libpod/, 'podman'],
  [/cri-containerd[-:]|\/containerd\//, 'containerd'],
  [/crio-|\/crio\//, 'cri-o'],
  [/\/docker\/|docker-[0-9a-f]{12,}\.scope/, 'docker'],
  [/\/lxc\/|\/lxc\.payload|lxc\.monitor/, 'lxc'],
  [/\/machine\.slice\/machine-/, 'systemd-nspawn'],
  [/kubepods/, 'unknown'],
];

/** Mountinfo substrings (mount sources/roots) → engine. */
export const MOUNTINFO_PATTERNS: ReadonlyArray<[RegExp, ContainerEngine]> = [
  [/\/docker\/containers\//, 'docker'],
  [/\/var\/lib\/containers\/storage\/|\/libpod\//, 'podman'],
  [/\/io\.containerd\.|\/containerd\//, 'containerd'],
  [/\/var\/lib\/kubelet\/pods\//, 'unknown'],
];

/** Maps a `container` env value or systemd-detect-virt -c answer; null for "none". */
export function engineFromId(id: string): ContainerEngine | null {
  if (id === 'none' || id === '') return null;
  return (CONTAINER_IDS as Record<string, ContainerEngine>)[id] ?? 'unknown';
}

/** Scans /proc/<pid>/cgroup text for container paths: engine and whether it's a Kubernetes pod. */
export function containerFromCgroup(text: string): { engine: ContainerEngine; kubernetes: boolean } | undefined {
  let kubernetes = false;
  let engine: ContainerEngine | undefined;
  for (const line of text.split('\n')) {
    const path = line.split(':').slice(2).join(':');
    if (!path || path === '/') continue;
    if (path.includes('kubepods')) kubernetes = true;
    for (const [re, e] of CGROUP_PATTERNS) {
      if (re.test(path)) {
        if (!engine || engine === 'unknown') engine = e;
        break;
      }
    }
  }
  return engine ? { engine, kubernetes } : undefined;
}

/** One parsed /proc/self/mountinfo line (proc(5)). */
export interface MountEntry {
  root: string;
  mountPoint: string;
  fsType: string;
  source: string;
}

/** Parses /proc/self/mountinfo. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    const dash = f.indexOf('-');
    if (f.length < 10 || dash < 6) continue;
    out.push({ root: f[3], mountPoint: f[4], fsType: f[dash + 1], source: f[dash + 2] ?? '' });
  }
  return out;
}

/** Container hints in mountinfo: an overlay root and engine-specific bind-mount sources. */
export function containerFromMountinfo(text: string): { overlayRoot: boolean; engine?: ContainerEngine; kubernetes: boolean } {
  const mounts = parseMountinfo(text);
  const rootMount = mounts.filter((m) => m.mountPoint === '/').pop();
  const overlayRoot = rootMount !== undefined && /^(overlay|fuse-overlayfs|aufs)$/.test(rootMount.fsType);
  let engine: ContainerEngine | undefined;
  let kubernetes = false;
  for (const m of mounts) {
    const s = `${m.root} ${m.source}`;
    if (s.includes('/var/lib/kubelet/pods/')) kubernetes = true;
    for (const [re, e] of MOUNTINFO_PATTERNS) {
      if (re.test(s) && (!engine || engine === 'unknown')) engine = e;
    }
  }
  return { overlayRoot, engine, kubernetes };
}

/** One source's verdict. */
interface ContainerSignal {
  source: string;
  container: boolean;
  engine?: ContainerEngine;
}

/** Combines verdicts; sources are in priority order for naming the engine. */
export function combineContainer(signals: ContainerSignal[], kubernetes: boolean, anyEvidence: boolean): ContainerFacts {
  const positive = signals.filter((s) => s.container);
  if (positive.length || kubernetes) {
    const named = positive.find((s) => s.engine && s.engine !== 'unknown');
    return {
      isContainer: true,
      engine: named?.engine ?? 'unknown',
      kubernetes,
      sources: sortedUnique(positive.map((s) => s.source).concat(kubernetes ? ['kubernetes'] : [])),
    };
  }
  const negative = signals.filter((s) => !s.container);
  return {
    isContainer: anyEvidence ? false : null,
    engine: null,
    kubernetes: false,
    sources: sortedUnique(negative.map((s) => s.source)),
  };
}

/** Detects whether this process runs in a container. */
export async function detectContainer(host: Host, trail: Trail, signal?: AbortSignal): Promise<ContainerFacts> {
  const info = host.info();
  if (info.platform === 'darwin') {
    trail.add('container', true, 'macOS runs no Linux containers natively');
    return { isContainer: false, engine: null, kubernetes: false, sources: ['platform'] };
  }
  if (info.platform !== 'linux') {
    trail.add('container', false, `no detection for platform ${info.platform}`);
    return { isContainer: null, engine: null, kubernetes: false, sources: [] };
  }
  const [dockerenv, containerenv, sd, cg1, cgSelf, mountinfo, saDir] = await Promise.all([
    host.exists('/.dockerenv'),
    host.exists('/run/.containerenv'),
    trail.exec(host, 'systemd-detect-virt', ['-c'], signal),
    host.readFile('/proc/1/cgroup'),
    host.readFile('/proc/self/cgroup'),
    host.readFile('/proc/self/mountinfo'),
    // Existence only: the token inside is a secret and is never read.
    host.exists('/var/run/secrets/kubernetes.io/serviceaccount'),
  ]);
  const signals: ContainerSignal[] = [];
  let kubernetes = false;
  let anyEvidence = false;

  const sdId = sd.status === 'ok' || sd.status === 'failed' ? firstLine(sd.stdout) : undefined;
  if (sdId !== undefined) {
    anyEvidence = true;
    const e = engineFromId(sdId);
    signals.push({ source: 'systemd-detect-virt', container: e !== null, engine: e ?? undefined });
  }
  const envContainer = host.env('container');
  if (envContainer) {
    const e = engineFromId(envContainer);
    trail.add('env:container', true, envContainer);
    if (e) signals.push({ source: 'env:container', container: true, engine: e });
  }
  trail.add('/.dockerenv', dockerenv);
  trail.add('/run/.containerenv', containerenv);
  if (dockerenv) signals.push({ source: '/.dockerenv', container: true, engine: 'docker' });
  if (containerenv) signals.push({ source: '/run/.containerenv', container: true, engine: 'podman' });

  for (const [path, text] of [
    ['/proc/1/cgroup', cg1],
    ['/proc/self/cgroup', cgSelf],
  ] as const) {
    trail.add(path, text !== undefined, text === undefined ? 'absent or unreadable' : undefined);
    if (text === undefined) continue;
    anyEvidence = true;
    const c = containerFromCgroup(text);
    if (c) signals.push({ source: path, container: true, engine: c.engine });
    if (c?.kubernetes) kubernetes = true;
  }
  trail.add('/proc/self/mountinfo', mountinfo !== undefined, mountinfo === undefined ? 'absent or unreadable' : undefined);
  if (mountinfo !== undefined) {
    anyEvidence = true;
    const m = containerFromMountinfo(mountinfo);
    if (m.engine || m.overlayRoot) signals.push({ source: '/proc/self/mountinfo', container: true, engine: m.engine });
    if (m.kubernetes) kubernetes = true;
  }
  const k8sEnv = host.env('KUBERNETES_SERVICE_HOST') !== undefined;
  trail.add('env:KUBERNETES_SERVICE_HOST', k8sEnv, k8sEnv ? '<set>' : 'unset');
  trail.add('/var/run/secrets/kubernetes.io/serviceaccount', saDir);
  if (k8sEnv || saDir) kubernetes = true;
  // WSL calls itself a container (systemd agrees); its kernel release says so too.
  if (/microsoft|WSL/i.test(info.release)) signals.push({ source: 'kernel release', container: true, engine: 'wsl' });

  return combineContainer(signals, kubernetes, anyEvidence);
}
