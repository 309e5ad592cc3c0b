/** The environment probe's vocabulary (DESIGN §6): its capabilities are those its findings table names. */
import { factKeysOf, type ProbeVocabulary } from '../../src/types.js';
import type { EnvironmentFacts } from './facts.js';
import { ENV_FINDINGS } from './findings.js';

/** Every id, code and fact key the environment probe emits. */
export const environmentVocabulary: ProbeVocabulary = {
  capabilities: [...new Set(Object.values(ENV_FINDINGS).map((f) => f.capability))],
  metrics: {},
  findings: { ENV_FINDINGS },
  fixes: {
    ENV_MEMORY_LIMIT: 'size caches and heaps (e.g. node --max-old-space-size) from the cgroup limit, not from the physical memory',
    ENV_VIRTUALIZED: 'informational: timings vary more in a VM; prefer speedup ratios to absolute rates in expectations',
    ENV_CONTAINER: 'informational: devices and CPU limits come from the container runtime; pass devices through and set CPU limits there',
    ENV_CI: 'informational: CI runners are shared and often throttled; gate on capabilities and speedups rather than absolute rates',
  },
  facts: factKeysOf<EnvironmentFacts>()(['os', 'kernel', 'libc', 'node', 'v8', 'openssl', 'virtualization', 'container', 'ci', 'cgroup', 'affinity', 'visibleCpus', 'usableCpus', 'memTotalBytes', 'emulation']),
};
