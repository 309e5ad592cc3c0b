/**
 * The environment probe: OS and runtime versions, virtualization, containers, CI, and the
 * cgroup/affinity limits that decide how much of the machine this process can actually use.
 */
import type { Capability, Detection, Evidence, Finding, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { ciVendors } from '../../src/host/env-allowlist.js';
import { detectOs } from './os.js';
import { detectEmulation, detectVirt, type EmulationFacts, type VirtFacts } from './virt.js';
import { detectContainer, type ContainerFacts } from './container.js';
import { detectCi, GENERIC_CI_VARS, type CiFacts } from './ci.js';
import { detectResources, type ResourceFacts } from './cgroup.js';
import { finding } from './findings.js';
import { Trail, memoHost } from './util.js';
import { environmentVocabulary } from './vocabulary.js';

function cap(advertised: boolean | null, evidence: string[], notes?: string): Capability {
  const c: Capability = { advertised, usable: null, effective: null, evidence };
  if (notes) c.notes = notes;
  return c;
}

/** The CPU-count limit tighter than the visible count, if any: the smaller of affinity and cpuset. */
export function cpuSetLimit(r: ResourceFacts): { allowed: number; source: 'affinity' | 'cpuset' } | undefined {
  if (!r.visibleCpus) return undefined;
  const cands: Array<{ allowed: number; source: 'affinity' | 'cpuset' }> = [];
  if (r.affinity && r.affinity.length) cands.push({ allowed: r.affinity.length, source: 'affinity' });
  if (r.cgroup.cpuset) cands.push({ allowed: r.cgroup.cpuset.length, source: 'cpuset' });
  const best = cands.sort((a, b) => a.allowed - b.allowed)[0];
  return best && best.allowed < r.visibleCpus ? best : undefined;
}

/** Capabilities and findings derived from the gathered facts (pure; tests call it directly). */
export function derive(
  virt: VirtFacts,
  container: ContainerFacts,
  ci: CiFacts,
  r: ResourceFacts,
  emulation?: EmulationFacts,
): { capabilities: Record<string, Capability>; findings: Finding[] } {
  const capabilities: Record<string, Capability> = {};
  const findings: Finding[] = [];

  if (emulation) {
    const e = emulation;
    capabilities['env.emulated'] = cap(e.emulated, e.evidence, e.emulated ? `${e.mechanism}: ${e.processArch} process on a ${e.hostArch ?? 'different'} machine` : undefined);
    if (e.emulated)
      findings.push(finding('ENV_EMULATED', { mechanism: e.mechanism, processArch: e.processArch, hostArch: e.hostArch }, e.evidence));
  }

  capabilities['env.virtualized'] = cap(
    virt.isVirtual,
    virt.sources,
    virt.isVirtual ? `hypervisor: ${virt.technology ?? 'unknown'}` : undefined,
  );
  if (virt.isVirtual) findings.push(finding('ENV_VIRTUALIZED', { technology: virt.technology }, virt.sources));

  capabilities['env.container'] = cap(
    container.isContainer,
    container.sources,
    container.isContainer ? `engine: ${container.engine ?? 'unknown'}${container.kubernetes ? ', Kubernetes pod' : ''}` : undefined,
  );
  if (container.isContainer) {
    findings.push(
      finding('ENV_CONTAINER', { engine: container.engine, kubernetes: container.kubernetes }, container.sources),
    );
  }

  const ciEv = ci.constant ? [`ci-info vendor ${ci.constant}`] : ci.isCI ? [`one of ${GENERIC_CI_VARS.join(', ')} set`] : [];
  capabilities['env.ci'] = cap(ci.isCI, ciEv, ci.pr ? 'pull request build' : undefined);
  if (ci.isCI) findings.push(finding('ENV_CI', { vendor: ci.vendor, pr: ci.pr }, ciEv));

  const cg = r.cgroup;
  const visible = r.visibleCpus;
  const quotaLimited = visible !== null && cg.cpuQuota !== null && cg.cpuQuota < visible;
  const setLimit = cpuSetLimit(r);
  const cpuEv: string[] = [];
  if (cg.cpuQuota !== null) cpuEv.push(`cgroup v${cg.version} CPU quota ${cg.cpuQuota}`);
  if (cg.cpuset) cpuEv.push(`cgroup cpuset ${cg.cpuset.length} CPUs`);
  if (r.affinity) cpuEv.push(`affinity ${r.affinity.length} CPUs`);
  if (visible !== null) cpuEv.push(`${visible} visible CPUs`);
  const cpuKnown = visible !== null && (cg.version !== null || r.affinity !== null);
  capabilities['env.cpu-quota'] = cap(cpuKnown ? quotaLimited || setLimit !== undefined : null, cpuEv);
  if (quotaLimited) {
    findings.push(finding('ENV_CPU_QUOTA', { quota: cg.cpuQuota, visibleCpus: visible }, cpuEv));
  }
  if (setLimit) {
    findings.push(finding('ENV_AFFINITY', { allowed: setLimit.allowed, visibleCpus: visible, source: setLimit.source }, cpuEv));
  }

  const mem = r.memTotalBytes;
  const memLimited = mem !== null && cg.memoryLimitBytes !== null && cg.memoryLimitBytes < mem;
  const memEv: string[] = [];
  if (cg.memoryLimitBytes !== null) memEv.push(`cgroup v${cg.version} memory limit ${cg.memoryLimitBytes} bytes`);
  else if (cg.version !== null) memEv.push(`cgroup v${cg.version}: no memory limit`);
  if (mem !== null) memEv.push(`physical memory ${mem} bytes`);
  capabilities['env.memory-limit'] = cap(mem !== null && cg.version !== null ? memLimited : null, memEv);
  if (memLimited) {
    findings.push(finding('ENV_MEMORY_LIMIT', { limitBytes: cg.memoryLimitBytes, memTotalBytes: mem }, memEv));
  }

  return { capabilities, findings };
}

/** Evidence from all parts, de-duplicated and sorted by source for deterministic output. */
function mergeEvidence(trails: Trail[]): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const t of trails) for (const e of t.evidence) seen.set(JSON.stringify(e), e);
  return [...seen.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

/** Runs the environment detection against a Host. */
export async function detectEnvironment(realHost: Host, ctx?: Pick<ProbeContext, 'signal'>): Promise<Detection> {
  const host = memoHost(realHost);
  const signal = ctx?.signal;
  const trails = { os: new Trail(), virt: new Trail(), ct: new Trail(), res: new Trail(), emu: new Trail() };
  const [os, virtualization, container, resources, emulation] = await Promise.all([
    detectOs(host, trails.os, signal),
    detectVirt(host, trails.virt, signal),
    detectContainer(host, trails.ct, signal),
    detectResources(host, trails.res),
    detectEmulation(host, trails.emu, signal),
  ]);
  const ci = detectCi((n) => host.env(n), ciVendors());
  const { capabilities, findings } = derive(virtualization, container, ci, resources, emulation);
  return {
    status: 'ok',
    facts: { ...os, virtualization, container, ci, ...resources, emulation },
    evidence: mergeEvidence(Object.values(trails)),
    capabilities,
    findings,
  };
}

/** The environment probe. */
export const environmentProbe: Probe = {
  id: 'environment',
  title: 'Environment',
  vocabulary: environmentVocabulary,
  // Absence is data inside; anything stray is caught by the runner and recorded as status "error".
  detect: (host, ctx) => detectEnvironment(host, ctx),
};
