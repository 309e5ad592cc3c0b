/**
 * Kubernetes Node Feature Discovery local feature file (nfd-worker's `features.d/` source): one
 * `name=value` line per label. Names carry no namespace, so nfd-master puts them under the
 * always-allowed `feature.node.kubernetes.io/` prefix. Rules (NFD local source, Kubernetes label
 * validation): name ≤ 63 chars of [-A-Za-z0-9_.] starting and ending alphanumeric; value ≤ 63
 * chars of the same, or empty; the file ≤ 65536 bytes (MaxFeatureFileSize in source/local/local.go,
 * larger files are ignored whole). Lines starting with `#` are comments.
 */
import { createHash } from 'node:crypto';
import type { Outcome } from './outcome.js';
import { fmtNum } from '../expect/units.js';
import { InputError } from '../errors.js';

/** The byte limit NFD puts on one feature file. */
export const NFD_MAX_FILE_BYTES = 65536;
/** Label name and value length limit (Kubernetes). */
export const NFD_MAX_LEN = 63;
/** Every label hwprobe writes starts with this. */
export const NFD_LABEL_PREFIX = 'hwprobe.';

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

/**
 * Renders the labels: `hwprobe.<capability>=<highest level that holds>` for each advertised
 * capability; `hwprobe.metric.<id>=<value>` (and `.speedup`) for measured metrics;
 * `hwprobe.expect.<name>=pass|fail` per expectation set. Capabilities not advertised get no label,
 * so node affinity selects them with DoesNotExist.
 */
export function renderNfd(o: Outcome): string {
  if (!o.report) throw new InputError('--format nfd describes a machine: use it with a run or `hwprobe check`, not with `hwprobe diff`');
  const r = o.report;
  const labels = new Map<string, string>();
  const put = (name: string, value: string) => {
    const n = labelName(NFD_LABEL_PREFIX + name);
    const v = labelValue(value);
    if (validLabel(n, v)) labels.set(n, v);
  };
  for (const [id, c] of Object.entries(r.capabilities)) {
    if (c.advertised !== true) continue;
    put(id, c.effective === true ? 'effective' : c.usable === true ? 'usable' : 'advertised');
  }
  const metrics: [string, string][] = [];
  for (const [id, m] of Object.entries(r.metrics)) {
    if (m.status !== 'ok') continue;
    metrics.push([`metric.${id}`, fmtNum(m.value)]);
    if (m.speedup !== undefined) metrics.push([`metric.${id}.speedup`, fmtNum(m.speedup)]);
  }
  const expect: [string, string][] = (o.check?.expectations ?? []).map((e) => {
    const mine = o.check!.verdicts.filter((v) => v.expectation === e.name && v.severity === 'error');
    // An inconclusive requirement is not a pass: a scheduler selecting on "pass" must not get it.
    const label = mine.some((v) => v.status === 'fail') ? 'fail' : mine.some((v) => v.status === 'inconclusive') ? 'inconclusive' : 'pass';
    return [`expect.${e.name}`, label];
  });
  for (const [n, v] of [...expect, ...metrics]) put(n, v);
  const header = [
    `# hwprobe ${r.tool.version} feature file (Node Feature Discovery local source); written ${r.createdAt}`,
    `# capability labels: advertised < usable < effective; metric units: ${[...new Set(Object.values(r.metrics).map((m) => m.unit))].join(', ') || 'none'}`,
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
