/** The environment probe's top-level facts (`report.probes.environment.facts`), as the public report type shows them. */

/** `report.probes.environment.facts`. */
export interface EnvironmentFacts {
  os?: Record<string, unknown> | null;
  kernel?: string | null;
  libc?: { family: string | null; version: string | null; [k: string]: unknown } | null;
  node?: string;
  v8?: string;
  openssl?: string | null;
  virtualization?: Record<string, unknown>;
  container?: Record<string, unknown>;
  ci?: Record<string, unknown>;
  cgroup?: Record<string, unknown>;
  /** CPUs the process may run on (sched_getaffinity), or null */
  affinity?: number[] | null;
  visibleCpus?: number | null;
  /** CPUs the cgroup quota, cpuset and affinity allow */
  usableCpus?: number | null;
  memTotalBytes?: number | null;
  emulation?: Record<string, unknown> | null;
}
