/**
 * Kubernetes Node Feature Discovery local feature file (nfd-worker's `features.d/` source): one
 * `name=value` line per label, fully qualified (see NFD_NAMESPACE). Rules (NFD local source,
 * Kubernetes label validation): name (after the namespace) ≤ 63 chars of [-A-Za-z0-9_.] starting and ending alphanumeric; value ≤ 63
 * chars of the same, or empty; the file ≤ 65536 bytes (MaxFeatureFileSize in source/local/local.go,
 * larger files are ignored whole). Lines starting with `#` are comments.
 */
import { createHash } from 'node:crypto';
import type { Outcome } from './outcome.js';
import { InputError } from '../errors.js';

/** The byte limit NFD puts on one feature file. */
export const NFD_MAX_FILE_BYTES = 65536;
/** Label name and value length limit (Kubernetes). */
export const NFD_MAX_LEN = 63;
/**
 * The label namespace: NFD accepts local features in `feature.node.kubernetes.io/` without any
 * `-extra-label-ns` configuration (nfd-master's default allowed namespaces), and writing it out
 * keeps the labels right once auto-prefixing of bare names goes (the DisableAutoPrefix feature gate).
 */
export const NFD_NAMESPACE = 'feature.node.kubernetes.io/';
/** Every label name hwprobe writes starts with this, after the namespace. */
export const NFD_LABEL_PREFIX = 'hwprobe-';

const NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A label name within the rules: invalid characters become `_`; too long ones keep a hash of the whole. */
export function labelName(raw: string): string {
  let n = raw.replace(/[^-A-Za-z0-9_.]/g, '_').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (n.length > NFD_MAX_LEN) n = `${n.slice(0, NFD_MAX_LEN - 9).replace(/[^A-Za-z0-9]+$/, '')}-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  return n;
}

/** A label value within the rules (≤ 63 chars of [-A-Za-z0-9_.], alphanumeric at both ends). */
export function labelValue(raw: string): string {
  return raw.replace(/[^-A-Za-z0-9_.]/g, '_').slice(0, NFD_MAX_LEN).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** Whether a name=value pair passes the rules. */
export function validLabel(name: string, value: string): boolean {
  return name.length <= NFD_MAX_LEN && NAME_RE.test(name) && value.length <= NFD_MAX_LEN && (value === '' || NAME_RE.test(value));
}

/** How the feature file is written. */
export interface NfdOptions {
  /** how often the DaemonSet rewrites the file, in seconds: the labels expire after two intervals (one missed run tolerated) */
  refreshSeconds?: number;
  /** also label measurements, as coarse power-of-two buckets */
  metrics?: boolean;
}

/** The default refresh interval: hourly. */
export const NFD_DEFAULT_REFRESH_SECONDS = 3600;

/**
 * A measurement as a stable bucket: the power-of-two range holding it ("4-8", "0.5-1"), so run-to-run
 * noise does not rewrite the label; only a change of about 2× does.
 */
export function bucket(value: number): string {
  if (!(value > 0) || !Number.isFinite(value)) return '0';
  const lo = 2 ** Math.floor(Math.log2(value));
  return `${lo}-${lo * 2}`; // powers of two print exactly (0.125)
}

/**
 * Renders the labels, fully qualified under `feature.node.kubernetes.io/` (the namespace nfd-worker
 * accepts for local features without configuration) with the name prefix `hwprobe-`:
 * `<prefix><capability>=<highest conclusive level that holds>` for each advertised capability;
 * `<prefix>expect.<name>=pass|fail` per expectation set decided without inconclusive verdicts; with
 * `metrics`, `<prefix>metric.<id>=<bucket>`. Capabilities not advertised get no label, so node
 * affinity selects them with DoesNotExist. Nothing in the file depends on the clock but the
 * `# +expiry-time=` line, so an idle machine rewrites the same labels.
 */
export function renderNfd(o: Outcome, opts: NfdOptions = {}): string {
  if (!o.report) throw new InputError('--format nfd describes a machine: use it with a run or `hwprobe check`, not with `hwprobe diff`');
  const r = o.report;
  const labels = new Map<string, string>();
  const put = (name: string, value: string) => {
    const n = labelName(NFD_LABEL_PREFIX + name);
    const v = labelValue(value);
    if (validLabel(n, v)) labels.set(NFD_NAMESPACE + n, v);
  };
  // gpu.* describes hardware GPUs only: with none on the machine, no gpu.* label (a software
  // OpenCL or Vulkan device must not attract GPU jobs).
  const hardwareGpus = r.probes.gpu?.facts.hardwareGpuCount;
  for (const [id, c] of Object.entries(r.capabilities)) {
    if (c.advertised !== true) continue;
    if (id.startsWith('gpu.') && hardwareGpus === 0) continue;
    // effective only when conclusive (an inconclusive one has effective null): labels must not flip with load
    put(id, c.effective === true ? 'effective' : c.usable === true ? 'usable' : 'advertised');
  }
  for (const e of o.check?.expectations ?? []) {
    // Only error-severity requirements decide; an inconclusive one is neither pass nor fail, so the
    // set gets no label (a scheduler selecting on "pass" must not get it, and it must not flip with load).
    const mine = o.check!.verdicts.filter((v) => v.expectation === e.name && v.severity === 'error');
    const failed = mine.some((v) => v.status === 'fail');
    const undecided = mine.some((v) => v.status === 'inconclusive');
    if (failed || !undecided) put(`expect.${e.name}`, failed ? 'fail' : 'pass');
  }
  if (opts.metrics) {
    for (const [id, m] of Object.entries(r.metrics)) if (m.status === 'ok') put(`metric.${id}`, bucket(m.value));
  }
  const refresh = opts.refreshSeconds ?? NFD_DEFAULT_REFRESH_SECONDS;
  const expiry = new Date(Date.parse(r.createdAt) + 2 * refresh * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const header = [
    `# hwprobe ${r.tool.version} feature file (Node Feature Discovery local source)`,
    `# capability labels: advertised < usable < effective${opts.metrics ? '; metric labels: power-of-two buckets in the metric\'s unit (hwprobe schema report)' : ''}`,
    `# +expiry-time=${expiry}`,
  ];
  // Keep under NFD's size limit: capabilities and expectations first, metrics last, then drop what does not fit.
  const lines = [...labels].map(([n, v]) => `${n}=${v}`);
  const out: string[] = [...header];
  let size = Buffer.byteLength(header.join('\n') + '\n');
  let dropped = 0;
  for (const l of lines) {
    const b = Buffer.byteLength(l) + 1;
    if (size + b > NFD_MAX_FILE_BYTES - 100) {
      dropped++;
      continue;
    }
    out.push(l);
    size += b;
  }
  if (dropped) out.push(`# ${dropped} labels left out to stay under NFD's ${NFD_MAX_FILE_BYTES}-byte limit`);
  return out.join('\n') + '\n';
}
