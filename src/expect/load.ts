/**
 * Loading expectation files (JSON or YAML) and built-in profiles: parse, validate against
 * schemas/expect.schema.json, parse units, check ids against the vocabulary, fold in `extends`.
 * Every problem is an InputError naming the file, the JSON pointer and the line.
 */
import { readdirSync, existsSync } from 'node:fs';
import { dirname, resolve, basename, extname, join } from 'node:path';
import { createRequire } from 'node:module';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../errors.js';
import { parseJson, readInputText } from '../json-file.js';
import { unsafePattern } from './pattern.js';
import { schemaPath } from '../paths.js';
import { makeAjv, schemaText, validator } from '../schemas.js';
import type { Report } from '../types.js';
import { LEVELS, type ExpectationSet, type Level, type Origin, type ReqSeverity, type Requirement } from './model.js';
import { metricBase, parseQuantity, type Quantity } from './units.js';
import { FACT_ROOTS, candidates, factKeys, didYouMean, lookup, vocabulary, type IdKind, type Vocabulary } from './vocabulary.js';

const require = createRequire(import.meta.url);

/** A parsed document and a way to find the line of a JSON pointer in it. */
export interface SourceDoc {
  data: unknown;
  lineOf(pointer: string): number | undefined;
}

/** Splits a JSON pointer into keys (numbers for array indices). */
function pointerKeys(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
}

function locator(doc: Document, lc: LineCounter): (pointer: string) => number | undefined {
  return (pointer) => {
    const keys = pointerKeys(pointer);
    // The deepest node that exists: a missing key is reported at its parent.
    for (let n = keys.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : (doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return lc.linePos(range[0]).line;
    }
    return undefined;
  };
}

/** Parses JSON or YAML text (by extension; else by its first character); syntax errors name file, line and column. */
export function parseSource(text: string, file: string, as: 'auto' | 'json' = 'auto'): SourceDoc {
  const ext = extname(file).toLowerCase();
  const isJson = as === 'json' || ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && /^\s*[{[]/.test(text));
  const lc = new LineCounter();
  if (isJson) {
    const data = parseJson(text, file);
    const doc = parseDocument(text, { lineCounter: lc });
    return { data, lineOf: locator(doc, lc) };
  }
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: true });
  } catch (e) {
    throw new InputError(`${file}: not usable YAML: ${(e as Error).message.split('\n')[0]}`); // e.g. nesting deep enough to exhaust the stack
  }
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`${file}: not valid YAML${pos ? ` at line ${pos.line} column ${pos.col}` : ''}: ${first}`);
  }
  let data: unknown;
  try {
    // yaml's alias limit (maxAliasCount) is what stops an alias bomb ("billion laughs"); its throw is bad input, not a bug.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(`${file}: not usable YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return { data, lineOf: locator(doc, lc) };
}

/** Reads and parses a JSON or YAML file; unreadable files and syntax errors are InputErrors naming the file (and line). */
export function readSource(file: string, shown = file, as: 'auto' | 'json' = 'auto'): SourceDoc {
  const text = readInputText(file, shown);
  return parseSource(text, shown, as);
}

/** "FILE: /require/2/min (line 7): message" */
function at(file: string, doc: SourceDoc, pointer: string, message: string): InputError {
  const line = doc.lineOf(pointer);
  return new InputError(`${file}: ${pointer || '/'}${line ? ` (line ${line})` : ''}: ${message}`);
}

const KINDS = ['capability', 'metric', 'fact'] as const;

let branchAjv: import('ajv').default | undefined;

/** A validator for one requirement kind (`#/$defs/capabilityReq`…), compiled on the error path only. */
function branchValidator(kind: (typeof KINDS)[number]): import('ajv').ValidateFunction {
  if (!branchAjv) {
    branchAjv = makeAjv();
    branchAjv.addSchema(JSON.parse(schemaText('expect')));
  }
  return branchAjv.getSchema(`https://hwprobe.dev/schemas/expect.schema.json#/$defs/${kind}Req`)!;
}

/** One ajv error as {path, message}, worded for expectation files. */
function describe(e: import('ajv').ErrorObject, prefix = ''): { path: string; message: string } | undefined {
  const p = e.params as Record<string, unknown>;
  const inst = prefix + e.instancePath;
  if (e.keyword === 'additionalProperties') return { path: `${inst}/${String(p.additionalProperty)}`, message: `unknown key "${String(p.additionalProperty)}"` };
  if (e.keyword === 'required') return { path: `${inst}/${String(p.missingProperty)}`, message: 'is required' };
  if (e.keyword === 'enum') return { path: inst, message: `must be one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}` };
  if (e.keyword === 'minProperties' && e.instancePath === '' && prefix) return { path: inst, message: 'says nothing to check (add min, max, speedup, equals, semver or matches)' };
  if (e.keyword === 'anyOf' || e.keyword === 'type' && /quantity/.test(e.schemaPath)) return undefined; // the pattern/type branch says it
  if (e.keyword === 'pattern' && /quantity/.test(e.schemaPath)) return { path: inst, message: 'must be a number, or a number with a unit such as "1 GB/s"' };
  return { path: inst || '/', message: e.message ?? 'is invalid' };
}

/** Schema issues of an expectation document; each requirement is checked against the one kind it names. */
function schemaIssues(data: unknown): { path: string; message: string }[] {
  const v = validator('expect');
  if (v(data)) return [];
  const reqs = (data as { require?: unknown }).require;
  const out: { path: string; message: string }[] = [];
  const done = new Set<string>();
  for (const e of v.errors ?? []) {
    const m = /^\/require\/(\d+)(?=\/|$)/.exec(e.instancePath);
    if (m && Array.isArray(reqs)) {
      const base = `/require/${m[1]}`;
      if (done.has(base)) continue;
      done.add(base);
      const req = reqs[Number(m[1])];
      if (!req || typeof req !== 'object' || Array.isArray(req)) {
        out.push({ path: base, message: 'must be an object naming a capability, metric or fact' });
        continue;
      }
      const kinds = KINDS.filter((k) => k in req);
      if (kinds.length !== 1) {
        out.push({ path: base, message: kinds.length ? `names ${kinds.join(' and ')}; a requirement names exactly one of capability, metric or fact` : 'must name one of capability, metric or fact' });
        continue;
      }
      const bv = branchValidator(kinds[0]);
      bv(req);
      for (const be of bv.errors ?? []) {
        const d = describe(be, base);
        if (d) out.push(d);
      }
      continue;
    }
    if (e.keyword === 'anyOf' && e.instancePath === '') {
      out.push({ path: '/require', message: 'an expectation file needs "require" or "extends"' });
      continue;
    }
    if (e.keyword === 'required' && e.instancePath === '') continue; // the anyOf above says it
    const d = describe(e);
    if (d) out.push(d);
  }
  return out;
}

/** Names of the built-in profiles (schemas/profiles/*.json), sorted. */
export function profileNames(): string[] {
  return readdirSync(schemaPath('profiles'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Absolute path of a built-in profile. */
export function profilePath(name: string): string {
  return join(schemaPath('profiles'), `${name}.json`);
}

function looksLikePath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || /\.(json|ya?ml)$/i.test(spec);
}

/** Options for loading. */
export interface LoadOptions {
  /** Reports whose ids count as known (a saved report's own ids). */
  reports?: readonly Report[];
  /** What errors name the argument as: `--expect` (default, the CLI) or, in the library, `expectations[0]`. */
  where?: string;
}

interface Ctx {
  caps: Vocabulary;
  metrics: Vocabulary;
  stack: string[];
  probeIds: readonly string[];
}

/** Loads `--expect` arguments: each is a file path or a built-in profile name. */
export async function loadExpectations(specs: readonly string[], opts: LoadOptions = {}): Promise<ExpectationSet[]> {
  const { PROBE_IDS } = await import('../../probes/index.js');
  const ctx: Ctx = {
    caps: vocabulary('capability', opts.reports),
    metrics: vocabulary('metric', opts.reports),
    stack: [],
    probeIds: PROBE_IDS,
  };
  return specs.map((s) => loadSpec(s, opts.where ?? '--expect', ctx));
}

/** Loads an expectation document given as data (the library's `check`): `label` names it in errors; `extends` paths resolve from `baseDir`. */
export async function loadExpectationData(data: unknown, label: string, opts: LoadOptions & { baseDir?: string } = {}): Promise<ExpectationSet> {
  const { PROBE_IDS } = await import('../../probes/index.js');
  const ctx: Ctx = { caps: vocabulary('capability', opts.reports), metrics: vocabulary('metric', opts.reports), stack: [], probeIds: PROBE_IDS };
  return loadFile(resolve(opts.baseDir ?? '.', label), ctx, label, undefined, { data, lineOf: () => undefined });
}

function loadSpec(spec: string, where: string, ctx: Ctx, relativeTo?: string): ExpectationSet {
  const names = profileNames();
  if (!looksLikePath(spec) && names.includes(spec)) return loadFile(profilePath(spec), ctx, `profile ${spec}`, spec);
  const file = relativeTo ? resolve(relativeTo, spec) : spec;
  if (looksLikePath(spec) || existsSync(file)) return loadFile(file, ctx, relativeTo ? spec : file);
  throw new InputError(`${where}: "${spec}" is neither a file nor a built-in profile${didYouMean(spec, names)} (profiles: ${names.join(', ')})`);
}

function loadFile(file: string, ctx: Ctx, label: string, profile?: string, given?: SourceDoc): ExpectationSet {
  const shown = profile ? `${label} (${file})` : given ? label : file;
  const key = resolve(file);
  if (ctx.stack.includes(key)) throw new InputError(`${shown}: /extends: extends itself (${[...ctx.stack, key].map((f) => basename(f)).join(' → ')})`);
  const doc = given ?? readSource(file, shown);
  if (!doc.data || typeof doc.data !== 'object' || Array.isArray(doc.data)) {
    throw at(shown, doc, '', 'an expectation file is an object with "require" and/or "extends"');
  }
  const issues = schemaIssues(doc.data);
  if (issues.length) {
    const lines = issues.slice(0, 25).map((i) => {
      const line = doc.lineOf(i.path);
      return `  ${i.path}${line ? ` (line ${line})` : ''}: ${i.message}`;
    });
    throw new InputError(`${shown}: not a valid expectation file (schemas/expect.schema.json):\n${lines.join('\n')}`);
  }
  const raw = doc.data as { name?: string; description?: string; strict?: boolean; extends?: string[]; require?: Record<string, unknown>[] };
  const name = raw.name ?? profile ?? basename(file).replace(/\.(json|ya?ml)$/i, '');
  const requirements: Requirement[] = [];
  ctx.stack.push(key);
  try {
    (raw.extends ?? []).forEach((spec, i) => {
      try {
        requirements.push(...loadSpec(spec, `${shown}: /extends/${i}`, ctx, dirname(file)).requirements);
      } catch (e) {
        if (e instanceof InputError && e.message.startsWith(`${shown}: /extends/${i}:`)) throw at(shown, doc, `/extends/${i}`, e.message.slice(`${shown}: /extends/${i}: `.length));
        // An error inside the extended file names that file; say also who referred to it and where.
        if (e instanceof InputError && !e.message.startsWith(`${shown}:`)) throw at(shown, doc, `/extends/${i}`, `in "${spec}": ${e.message}`);
        throw e;
      }
    });
  } finally {
    ctx.stack.pop();
  }
  (raw.require ?? []).forEach((r, i) => requirements.push(requirement(r, `/require/${i}`, shown, doc, ctx, label)));
  // The file's `strict` is the default of every requirement it holds, its extended ones included.
  if (raw.strict !== undefined) for (const r of requirements) r.strict ??= raw.strict;
  return {
    name,
    source: label,
    ...(raw.description ? { description: raw.description } : {}),
    ...(raw.strict !== undefined ? { strict: raw.strict } : {}),
    requirements: dedupe(requirements),
  };
}

/** Drops a requirement repeated through `extends` (the first one stays). */
function dedupe(reqs: Requirement[]): Requirement[] {
  const seen = new Set<string>();
  return reqs.filter((r) => {
    const { origin: _o, why: _w, ...rest } = r;
    const k = JSON.stringify(rest);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function checkId(kind: IdKind, id: string, v: Vocabulary, shown: string, doc: SourceDoc, pointer: string): void {
  if (lookup(v, id) !== 'unknown') return;
  throw at(shown, doc, pointer, `unknown ${kind} "${id}"${didYouMean(id, candidates(v))}`);
}

function quantity(q: unknown, shown: string, doc: SourceDoc, pointer: string): Quantity | undefined {
  if (q === undefined) return undefined;
  try {
    return parseQuantity(q as string | number);
  } catch (e) {
    throw at(shown, doc, pointer, `bad unit: ${(e as Error).message}`);
  }
}

function requirement(r: Record<string, unknown>, pointer: string, shown: string, doc: SourceDoc, ctx: Ctx, source: string): Requirement {
  const origin: Origin = { source, path: pointer, ...(doc.lineOf(pointer) ? { line: doc.lineOf(pointer) } : {}) };
  const severity = (r.severity as ReqSeverity | undefined) ?? 'error';
  const base = { severity, origin, ...(typeof r.why === 'string' ? { why: r.why } : {}), ...(typeof r.strict === 'boolean' ? { strict: r.strict } : {}) };
  if (typeof r.capability === 'string') {
    checkId('capability', r.capability, ctx.caps, shown, doc, `${pointer}/capability`);
    return { kind: 'capability', id: r.capability, level: (r.level as Level | undefined) ?? 'usable', present: r.present !== false, ...base };
  }
  if (typeof r.metric === 'string') {
    checkId('metric', r.metric, ctx.metrics, shown, doc, `${pointer}/metric`);
    const min = quantity(r.min, shown, doc, `${pointer}/min`);
    const max = quantity(r.max, shown, doc, `${pointer}/max`);
    // A bound in another dimension (`min: 1 GB` for a GB/s metric) is the file's mistake, not the hardware's.
    const measuredIn = metricBase(r.metric);
    for (const [k, q] of [['min', min], ['max', max]] as const) {
      if (q?.base && measuredIn && q.base !== measuredIn) {
        throw at(shown, doc, `${pointer}/${k}`, `"${q.text}" is in ${q.base}, but ${r.metric} is measured in ${measuredIn}${measuredIn === 'x' ? ' (a ratio: write a bare number)' : ''}`);
      }
    }
    const sp = r.speedup as { min?: number; max?: number } | undefined;
    return { kind: 'metric', id: r.metric, ...(min ? { min } : {}), ...(max ? { max } : {}), ...(sp ? { speedup: sp } : {}), ...base };
  }
  const id = r.fact as string;
  const root = id.split('.')[0];
  const roots = [...new Set<string>([...FACT_ROOTS, ...ctx.probeIds])];
  if (!roots.includes(root)) {
    throw at(shown, doc, `${pointer}/fact`, `unknown fact "${id}": it starts with runtime., host. or a probe id${didYouMean(root, roots)}`);
  }
  const key = id.split('.')[1];
  const keys = factKeys(root);
  if (keys && key !== undefined && !keys.includes(key)) {
    throw at(shown, doc, `${pointer}/fact`, `unknown fact "${id}": ${root} has no fact "${key}"${didYouMean(key, keys)}`);
  }
  const min = quantity(r.min, shown, doc, `${pointer}/min`);
  const max = quantity(r.max, shown, doc, `${pointer}/max`);
  if (typeof r.semver === 'string') {
    const semver = require('semver') as typeof import('semver');
    if (!semver.validRange(r.semver)) throw at(shown, doc, `${pointer}/semver`, `"${r.semver}" is not a semver range`);
  }
  if (typeof r.matches === 'string') {
    try {
      new RegExp(r.matches);
    } catch (e) {
      throw at(shown, doc, `${pointer}/matches`, `not a regular expression: ${(e as Error).message}`);
    }
    const unsafe = unsafePattern(r.matches);
    if (unsafe) throw at(shown, doc, `${pointer}/matches`, `pattern could take exponential time to match (${unsafe}); rewrite it without repeating a repeated part`);
  }
  return {
    kind: 'fact',
    id,
    ...(r.equals !== undefined ? { equals: r.equals as string | number | boolean } : {}),
    ...(min ? { min } : {}),
    ...(max ? { max } : {}),
    ...(typeof r.semver === 'string' ? { semver: r.semver } : {}),
    ...(typeof r.matches === 'string' ? { matches: r.matches } : {}),
    ...base,
  };
}

/** The level names, for help text. */
export const LEVEL_NAMES: readonly Level[] = LEVELS;
