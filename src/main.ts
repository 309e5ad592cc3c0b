/** The CLI: parses flags, hands data to the engine, writes to injected streams, returns an exit code. */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import type { Writable } from 'node:stream';
import { EXIT, InputError, InternalError } from './errors.js';
import { VERSION } from './version.js';
import type { CalibrationLevel, Probe, ProgressEvent } from './types.js';
import type { Host } from './host/host.js';

/** Streams and environment the CLI uses; tests pass their own. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Used for colour decisions and as the probes' environment (through the allowlist). */
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
  /** The terminal's input, for the TUI's keys; the TUI runs only when both stdin and stdout are TTYs. */
  stdin?: import('node:stream').Readable & { isTTY?: boolean };
}

// yargs 17's CommonJS build (the ESM entry of yargs 18 took ~50 ms here) is still ~30 ms of CPU
// to load, so it is required only when plainRunArgs cannot read the command line by itself.
const loadYargs = () => createRequire(import.meta.url)('yargs/yargs') as typeof import('yargs').default;

const FORMATS = ['text', 'json', 'markdown', 'junit', 'github', 'nfd', 'prometheus'] as const;
type Format = (typeof FORMATS)[number];
const CALIBRATE = ['off', 'quick', 'full'] as const;

interface CommonArgs {
  probes?: string;
  timeout: number;
  redact: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

interface RunArgs extends CommonArgs {
  format?: (typeof FORMATS)[number];
  json?: boolean;
  out?: string;
  nfdRefresh?: string;
  nfdMetrics?: boolean;
  calibrate: CalibrationLevel;
  replay?: string;
  tui: boolean;
  expect?: string[];
  baseline?: string;
  tolerance: number;
  timings?: boolean;
  strict: boolean;
  project?: string;
}

/** A coerce for a FILE flag: an empty value (`--out=`) used to be ignored silently; it is refused. */
const nonEmpty = (flag: string) => (v: unknown) => {
  for (const x of Array.isArray(v) ? v : [v]) if (x === '' || x === undefined) throw Object.assign(new InputError(`--${flag}: needs a value`), { usage: true });
  return v;
};

/** Options shared by the commands that judge or compare: run, check, diff. */
interface OutputArgs {
  format?: Format;
  json?: boolean;
  out?: string;
  nfdRefresh?: string;
  nfdMetrics?: boolean;
}

async function selectProbes(list: string | undefined): Promise<Probe[]> {
  const { PROBES, PROBE_IDS } = await import('../probes/index.js');
  if (list === undefined) return [...PROBES];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InputError(`--probes: no probe named; valid names: ${PROBE_IDS.join(', ')}`);
  const unknown = names.filter((n) => !PROBE_IDS.includes(n));
  if (unknown.length) {
    throw new InputError(`--probes: unknown probe ${unknown.map((u) => `"${u}"`).join(', ')}; valid names: ${PROBE_IDS.join(', ')}`);
  }
  return PROBES.filter((p) => names.includes(p.id));
}

/** Longest --timeout: an hour per probe is already far past any real probe; larger values used to overflow setTimeout to 1 ms. */
const MAX_TIMEOUT_S = 3600;

function timeoutMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_S) throw new InputError(`--timeout: must be a positive number of seconds, at most ${MAX_TIMEOUT_S}, got ${seconds}`);
  return Math.round(seconds * 1000);
}

function useColor(io: CliIo): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return !!io.stdout.isTTY;
}

/**
 * CI as ink's is-in-ci sees it (CI or CONTINUOUS_INTEGRATION set, even empty, and not "0"/"false"):
 * there ink draws only a last frame, so the TUI would sit blank.
 */
function inCi(env: NodeJS.ProcessEnv): boolean {
  return ['CI', 'CONTINUOUS_INTEGRATION'].some((k) => k in env && env[k] !== '0' && env[k] !== 'false');
}

/** The first frame of the TUI, before any heavy import: the screen is never blank while ink, React and the probes load. */
const TUI_PREFACE = 'hwprobe — starting (Ctrl-C stops)';

async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const format = args.json ? 'json' : (args.format ?? 'text');
  // The live TUI: text on a terminal (both ends), not asked off, not in CI. Everything else prints once.
  const tui = format === 'text' && !args.out && args.tui && !!io.stdout.isTTY && !!io.stdin?.isTTY && !inCi(io.env);
  let tuiModules: Promise<[typeof import('./tui/run.js'), typeof import('./view/model.js')]> | undefined;
  if (tui) {
    io.stdout.write(`${TUI_PREFACE}\n`);
    // ink and React (~0.5 s) load while the probes are imported and started.
    tuiModules = Promise.all([import('./tui/run.js'), import('./view/model.js')]);
    tuiModules.catch(() => undefined);
  }
  // Without the TUI a run shows progress lines on stderr (never stdout) unless --quiet; the first at once.
  const printer = !tui && !args.quiet ? (await import('./render/progress.js')).progressPrinter(io.stderr, args.replay ? 'off' : args.calibrate) : undefined;
  const { runProbes } = await import('./runner.js');
  const { buildReport, assertValidReport } = await import('./report.js');
  const { writeAtomic, assertWritable, readValidated } = await import('./json-file.js');
  const probes = await selectProbes(args.probes);
  const ms = timeoutMs(args.timeout);
  const tolerance = toleranceOf(args.tolerance);
  if (args.out) await assertWritable(args.out);
  // Expectations and the baseline are read before the run, so bad input costs no probing time.
  const sets = args.expect?.length ? await (await import('./expect/load.js')).loadExpectations(args.expect) : undefined;
  const baseline = args.baseline ? await (await import('./expect/report-file.js')).readReport(args.baseline) : undefined;

  let host: Host;
  let calibrate = args.calibrate;
  const timings = args.timings ? new (await import('./host/timings.js')).SourceLog() : undefined;
  if (args.replay) {
    const { ReplayHost } = await import('./host/replay-host.js');
    host = new ReplayHost(await readValidated(args.replay, 'capture'));
    calibrate = 'off'; // calibration never runs under replay
  } else {
    const { NodeHost } = await import('./host/node-host.js');
    host = new NodeHost({ env: io.env, timings });
  }

  const stop = new AbortController();
  const signal = io.signal ? AbortSignal.any([io.signal, stop.signal]) : stop.signal;
  const listeners = new Set<(ev: ProgressEvent) => void>();
  const seen: ProgressEvent[] = []; // replayed to a late subscriber: detection can finish before the TUI mounts
  printer?.start(probes.map((p) => p.id));
  if (printer) listeners.add(printer.listen);

  const onProgress = (ev: ProgressEvent) => (seen.push(ev), listeners.forEach((l) => l(ev)));
  const outcome = (async () => {
    const project = args.project === undefined ? undefined : (await import('node:path')).resolve(args.project);
    // Under the TUI a live run measures on a worker thread, away from the rendering (src/run-off-thread.ts).
    const report =
      tui && !args.replay
        ? await (await import('./run-off-thread.js')).runOffThread(
            { probes: probes.map((p) => p.id), calibrate, timeoutMs: ms, redact: args.redact, timings: !!timings, project, env: { ...io.env } },
            { signal, onProgress },
          )
        : buildReport(host, await runProbes(host, probes, { calibrate, timeoutMs: ms, signal, timings, project, onProgress }), { probes: probes.map((p) => p.id), calibrate, redact: args.redact });
    assertValidReport(report);
    const check = sets ? (await import('./expect/evaluate.js')).evaluate(report, sets, { strict: args.strict }) : undefined;
    if (check) {
      // One JSON document carries both the machine and the gate.
      report.expectations = (await import('./expect/section.js')).expectationsSection(check);
      assertValidReport(report);
    }
    printer?.done();
    const diff = baseline ? (await import('./diff.js')).diffReports(baseline, report, { tolerance }) : undefined;
    const code = signal.aborted ? EXIT.INTERRUPTED : (check && !check.ok) || (diff && !diff.ok) ? EXIT.EXPECTATION : EXIT.OK;
    return { report, check, diff, code };
  })();

  if (tuiModules) {
    const [{ runTui }, { buildView, requirementProblems }] = await tuiModules;
    const result = outcome.then(({ report, check, diff, code }) => {
      // An inconclusive verdict gates like a warning (not strict), so the banner counts it as one.
      const view = buildView(report, check && { passed: check.passed, failed: check.failed, warnings: check.warned + check.inconclusive, problems: requirementProblems(check.verdicts) });
      if (diff && !diff.ok) {
        const text = `against the baseline: ${diff.lost} lost, ${diff.degraded} degraded, ${diff.regressed} slower`;
        view.banner = { kind: 'expectations', text: check ? `${view.banner.text} · ${text}` : text, tone: 'bad' };
      }
      return { view, exitCode: code };
    });
    io.stdout.write('\x1b[1A\x1b[2K'); // the preface line gives way to the first ink frame (cursor up, erase line)
    const code = await runTui(
      {
        probeIds: probes.map((p) => p.id),
        calibrate,
        machine: `${host.info().cpuCount} CPUs · ${host.info().platform}-${host.info().arch}`,
        subscribe: (fn) => (seen.forEach(fn), listeners.add(fn), () => void listeners.delete(fn)),
        result,
        interrupt: () => stop.abort(new Error('interrupted')),
      },
      { stdin: io.stdin as NonNullable<CliIo['stdin']>, stdout: io.stdout, stderr: io.stderr },
      { color: useColor(io) },
    );
    return code;
  }

  const { report, check, diff, code } = await outcome;
  const color = !args.out && useColor(io);
  let text: string;
  if (format === 'json') {
    // The JSON output stays a report (the contract); verdicts and the diff go to stderr as text.
    text = (await import('./render/json.js')).renderJson(report);
    // The verdicts are in the report (`expectations`); the text copies on stderr are for a person watching.
    if ((check || diff) && !args.quiet) {
      // Loaded only when there is something to print: a plain `--json` run does not pay for it.
      const { renderVerdictsText, renderDiffText } = await import('./render/text.js');
      if (check) io.stderr.write(renderVerdictsText(check, { color: false }));
      if (diff) io.stderr.write(renderDiffText(diff, { color: false }));
    }
  } else text = await render(format, { report, check, diff }, color, true, { verbose: !!args.verbose, truncate: !args.out && !!io.stdout.isTTY, nfd: nfdOptions(args) });
  await emit(text, format, args.out, io);
  return code;
}

/** "90" (seconds), "30m", "1h", "1d" → seconds. */
function durationSeconds(flag: string, s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(s.trim());
  const n = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's'] : NaN;
  if (!(n > 0)) throw new InputError(`${flag}: a duration such as 3600, 30m, 1h or 1d, got "${s}"`);
  return n;
}

function nfdOptions(a: OutputArgs): import('./render/nfd.js').NfdOptions {
  return { ...(a.nfdRefresh !== undefined ? { refreshSeconds: durationSeconds('--nfd-refresh', a.nfdRefresh) } : {}), metrics: !!a.nfdMetrics };
}

function toleranceOf(t: number): number {
  if (!Number.isFinite(t) || t <= 0 || t >= 1) throw new InputError(`--tolerance: must be a fraction between 0 and 1 (0.25 = 25% slower), got ${t}`);
  return t;
}

/** Renders an outcome; text includes the report only for a run (`check` shows the verdicts alone). */
async function render(
  format: Format,
  o: import('./render/outcome.js').Outcome,
  color: boolean,
  textReport = false,
  more: Partial<import('./render/outcome.js').OutcomeTextOptions> = {},
): Promise<string> {
  const { renderOutcome } = await import('./render/outcome.js');
  return renderOutcome(o, format, { color, withReport: textReport, ...more });
}

/** Writes to a stream and waits for it: a failed write (EPIPE, ENOSPC) is an error naming the stream, never a silent truncation. */
function writeStream(stream: Writable, text: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (e) => (e ? reject(new InputError(`${name}: cannot write: ${(e as NodeJS.ErrnoException).code ?? e.message}`)) : resolve()));
  });
}

/** Writes output to --out (atomically) or stdout; Markdown is also appended to $GITHUB_STEP_SUMMARY when set. */
async function emit(text: string, format: Format, out: string | undefined, io: CliIo): Promise<void> {
  const { writeAtomic } = await import('./json-file.js');
  if (out) {
    await writeAtomic(out, text);
    io.stderr.write(`hwprobe: wrote ${out}\n`);
  } else await writeStream(io.stdout, text, 'stdout');
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (format === 'markdown' && summary) {
    const { appendFile } = await import('node:fs/promises');
    try {
      await appendFile(summary, text + '\n');
    } catch (e) {
      throw new InputError(`${summary} ($GITHUB_STEP_SUMMARY): cannot append: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}

function formatOf(a: OutputArgs): Format {
  return a.json ? 'json' : (a.format ?? 'text');
}

async function checkCommand(args: OutputArgs & { report: string; expect: string[]; strict: boolean }, io: CliIo): Promise<number> {
  const { readReport } = await import('./expect/report-file.js');
  const { assertWritable } = await import('./json-file.js');
  if (args.out) await assertWritable(args.out);
  const report = await readReport(args.report);
  const sets = await (await import('./expect/load.js')).loadExpectations(args.expect, { reports: [report] });
  const check = (await import('./expect/evaluate.js')).evaluate(report, sets, { strict: args.strict });
  const format = formatOf(args);
  await emit(await render(format, { report, check }, !args.out && useColor(io), false, { nfd: nfdOptions(args) }), format, args.out, io);
  return check.ok ? EXIT.OK : EXIT.EXPECTATION;
}

async function diffCommand(args: OutputArgs & { base: string; current: string; tolerance: number }, io: CliIo): Promise<number> {
  const { readReport } = await import('./expect/report-file.js');
  const { assertWritable } = await import('./json-file.js');
  const tolerance = toleranceOf(args.tolerance);
  if (args.out) await assertWritable(args.out);
  const base = await readReport(args.base);
  const current = await readReport(args.current);
  const diff = (await import('./diff.js')).diffReports(base, current, { tolerance });
  const format = formatOf(args);
  await emit(await render(format, { diff }, !args.out && useColor(io)), format, args.out, io);
  return diff.ok ? EXIT.OK : EXIT.EXPECTATION;
}

async function profilesCommand(io: CliIo): Promise<number> {
  const { loadExpectations, profileNames } = await import('./expect/load.js');
  const { labelOf } = await import('./expect/evaluate.js');
  const names = profileNames();
  const sets = await loadExpectations(names);
  const out: string[] = [];
  sets.forEach((s, i) => {
    out.push(`${names[i]}${s.description ? ` — ${s.description}` : ''}`);
    for (const r of s.requirements) out.push(`    ${r.severity === 'warning' ? 'warning' : 'requires'}  ${labelOf(r)}`);
  });
  out.push('', 'use: hwprobe --expect PROFILE · hwprobe check REPORT.json --expect PROFILE · "extends": ["PROFILE"] in a file');
  io.stdout.write(out.join('\n') + '\n');
  return EXIT.OK;
}

async function captureCommand(args: CommonArgs & { out: string; description?: string }, io: CliIo): Promise<number> {
  const { runProbes } = await import('./runner.js');
  const { RecordingHost } = await import('./host/recording-host.js');
  const { writeAtomic, assertWritable } = await import('./json-file.js');
  const { validate } = await import('./schemas.js');
  const probes = await selectProbes(args.probes);
  const ms = timeoutMs(args.timeout);
  await assertWritable(args.out);
  const host = new RecordingHost({ env: io.env, redact: args.redact, description: args.description });
  await runProbes(host, probes, { calibrate: 'off', timeoutMs: ms, signal: io.signal });
  const capture = host.capture();
  const issues = validate('capture', capture);
  if (issues.length) {
    throw new InternalError(`bug: the capture fails its own schema:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
  await writeAtomic(args.out, JSON.stringify(capture, null, 1) + '\n');
  const n = (o: object) => Object.keys(o).length;
  io.stderr.write(
    `hwprobe: wrote ${args.out}: ${n(capture.files)} files, ${n(capture.dirs)} directories, ${n(capture.exec)} commands, ` +
      `${n(capture.calls)} library calls; ${capture.source.redacted ? 'identifiers redacted' : 'NOT redacted (--no-redact)'}\n`,
  );
  return io.signal?.aborted ? EXIT.INTERRUPTED : EXIT.OK;
}

async function schemaCommand(name: string, io: CliIo): Promise<number> {
  const { schemaText } = await import('./schemas.js');
  io.stdout.write(schemaText(name as 'report' | 'capture' | 'expect'));
  return EXIT.OK;
}

async function validateCommand(file: string, io: CliIo): Promise<number> {
  const { invalidDocument } = await import('./json-file.js');
  const { validate } = await import('./schemas.js');
  if (/\.ya?ml$/i.test(file)) return validateExpectations(file, io);
  const data = (await import('./expect/load.js')).readSource(file).data;
  const o = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const kind = 'captureVersion' in o ? 'capture' : 'schemaVersion' in o ? 'report' : undefined;
  if (!kind && ('require' in o || 'extends' in o)) return validateExpectations(file, io);
  if (!kind) throw new InputError(`${file}: neither a report (no /schemaVersion), a capture (no /captureVersion) nor an expectation file (no /require or /extends)`);
  if (kind === 'report') await (await import('./expect/report-file.js')).readReport(file);
  const issues = validate(kind, data);
  if (issues.length) throw invalidDocument(file, kind, issues);
  io.stdout.write(`${file}: valid ${kind}\n`);
  return EXIT.OK;
}

async function validateExpectations(file: string, io: CliIo): Promise<number> {
  const [set] = await (await import('./expect/load.js')).loadExpectations([file]);
  io.stdout.write(`${file}: valid expectation file "${set.name}" (${set.requirements.length} requirements)\n`);
  return EXIT.OK;
}

/** The defaults of the run command's options, shared by its yargs definition and plainRunArgs. */
const RUN_DEFAULTS = { timeout: 10, redact: true, calibrate: 'quick' as CalibrationLevel, tui: true, tolerance: 0.25, strict: false } as const;

/**
 * The run command's arguments when the command line is one of the plain forms that hooks and
 * scripts run often (`hwprobe`, `hwprobe --json --calibrate off --probes cpu,environment -q`,
 * `--timings`, `--no-tui`), without loading yargs (~30 ms of a ~300 ms detection, issue 17).
 * Anything else, a repeated flag, a value that looks like a flag or a level that is not one,
 * returns undefined and goes through yargs, which owns every message and the help.
 */
export function plainRunArgs(argv: readonly string[]): RunArgs | undefined {
  const a: RunArgs = { ...RUN_DEFAULTS };
  const seen = new Set<string>();
  const once = (k: string) => !seen.has(k) && !!seen.add(k);
  const rest = argv[0] === 'run' ? argv.slice(1) : argv;
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i];
    const eq = /^--(calibrate|probes)=(.*)$/.exec(t);
    const [flag, value] = eq ? [`--${eq[1]}`, eq[2]] : [t, undefined];
    if (!once(flag === '-q' ? '--quiet' : flag)) return undefined;
    if (flag === '--json') a.json = true;
    else if (flag === '-q' || flag === '--quiet') a.quiet = true;
    else if (flag === '--timings') a.timings = true;
    else if (flag === '--no-tui') a.tui = false;
    else if (flag === '--calibrate' || flag === '--probes') {
      const v = value ?? rest[++i];
      if (v === undefined || v === '' || v.startsWith('-')) return undefined;
      if (flag === '--probes') a.probes = v;
      else if ((CALIBRATE as readonly string[]).includes(v)) a.calibrate = v as CalibrationLevel;
      else return undefined;
    } else return undefined;
  }
  return a;
}

/** --strict, for run and check: an inconclusive verdict fails the gate instead of warning. */
const STRICT_OPTION = { type: 'boolean', default: false, describe: 'with --expect: an inconclusive verdict (a measurement too noisy to decide) fails, exit 1' } as const;

/** Probe ids and profile names for --help and completion; empty on other paths, which must not pay for loading the probes. */
interface HelpLists {
  probes: readonly string[];
  profiles: readonly string[];
}

async function helpLists(): Promise<HelpLists> {
  const [{ PROBE_IDS }, { profileNames }] = await Promise.all([import('../probes/index.js'), import('./expect/load.js')]);
  return { probes: PROBE_IDS, profiles: profileNames() };
}

/**
 * A command's examples, each command on its own line and its description indented below: yargs'
 * two-column example table splits long commands mid-token at 100 columns.
 */
function examples(list: readonly (readonly [string, string])[]): string {
  return ['Examples:', ...list.flatMap(([cmd, what]) => [`  ${cmd}`, `      ${what}`])].join('\n') + `\n\n${EXIT_CODES}`;
}

const EXIT_CODES = 'exit codes: 0 ok · 1 an expectation failed · 2 usage or input error · 3 internal error · 128+signal interrupted (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)';

/**
 * "did you mean" for unknown flags: yargs' `recommendCommands` covers commands only, and `strict()`
 * says just "Unknown argument: calibrat". Loaded on this error path only (the vocabulary is heavy).
 */
async function unknownFlagMessage(msg: string): Promise<string> {
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m) return msg;
  const [{ suggest }, { FLAG_NAMES }] = await Promise.all([import('./expect/vocabulary.js'), import('./completion.js')]);
  const known = FLAG_NAMES.map((f) => f.slice(2));
  return m[1]
    .split(', ')
    .map((name) => {
      const near = suggest(name, known);
      return `unknown option ${name.length === 1 ? '-' : '--'}${name}${near.length ? `; did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : ''}`;
    })
    .join('\n');
}

function outputOptions<T>(y: Argv<T>) {
  return y
    .option('format', { choices: FORMATS, describe: 'output format' })
    .option('json', { type: 'boolean', describe: 'shorthand for --format json' })
    .option('out', { type: 'string', requiresArg: true, coerce: nonEmpty('out'), describe: 'write to FILE (atomically: a dot-temp file, then rename) instead of stdout' })
    .option('nfd-refresh', { type: 'string', describe: 'with --format nfd: how often the file is rewritten (3600, 30m, 1h); labels expire after two intervals', default: undefined })
    .option('nfd-metrics', { type: 'boolean', describe: 'with --format nfd: also label measurements, as power-of-two buckets' });
}

function commonOptions<T>(y: Argv<T>, help: HelpLists) {
  return y
    .option('probes', { type: 'string', describe: `comma-separated probe ids to run (default: all${help.probes.length ? `: ${help.probes.join(', ')}` : ''})` })
    .option('timeout', { type: 'number', default: RUN_DEFAULTS.timeout, requiresArg: true, describe: 'deadline per probe, in seconds (at most 3600)' })
    .option('redact', { type: 'boolean', default: RUN_DEFAULTS.redact, describe: 'redact hostname, serials, UUIDs, MACs (--no-redact to keep them; --redact=VALUE takes only true or false)' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'no progress lines on stderr' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'text output: every fact, including the technical ones (masks, core types, raw lists)' });
}

/**
 * `--redact=yes`, `=1`, `=on` used to turn redaction OFF without a word (yargs reads any value but
 * "true" as false). A boolean flag given a value takes only true or false; anything else is refused.
 */
function checkBooleanValues(argv: string[]): void {
  for (const a of argv) {
    if (a === '--') break;
    const m = /^--(no-)?(redact|tui|json)=(.*)$/.exec(a);
    if (m && m[3] !== 'true' && m[3] !== 'false') throw Object.assign(new InputError(`--${m[1] ?? ''}${m[2]}: takes true or false, got "${m[3]}"`), { usage: true });
  }
}

/** Runs the CLI on argv; returns the exit code. Never calls process.exit. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.OK;
  let pending: Promise<number> | undefined;
  if (argv[0] === '--get-yargs-completions') {
    const { completions } = await import('./completion.js');
    io.stdout.write(completions(argv.slice(1), await helpLists()).join('\n') + '\n');
    return EXIT.OK;
  }
  const help: HelpLists = argv.some((a) => a === '--help' || a === '-h') ? await helpLists() : { probes: [], profiles: [] };
  const plain = plainRunArgs(argv);
  if (plain) {
    try {
      return await runCommand(plain, io);
    } catch (e) {
      return failure(e, argv, io);
    }
  }
  const parser = loadYargs()()
    .scriptName('hwprobe')
    .usage('hwprobe — does this machine really have, and deliver, the hardware your software was built for?')
    .command(
      ['run', '$0'],
      'run the probes and print a report (text on a terminal, or --json)',
      (y) =>
        outputOptions(commonOptions(y, help))
          .option('calibrate', { choices: CALIBRATE, requiresArg: true, default: RUN_DEFAULTS.calibrate, describe: 'calibration level' })
          .option('replay', { type: 'string', requiresArg: true, coerce: nonEmpty('replay'), describe: 'read the machine from a capture file instead (no calibration)' })
          .option('tui', { type: 'boolean', default: RUN_DEFAULTS.tui, describe: 'live view on a terminal (--no-tui for plain text)' })
          .option('expect', { type: 'string', array: true, requiresArg: true, coerce: nonEmpty('expect'), describe: `judge the run against an expectation FILE or built-in PROFILE (repeatable; profiles: ${help.profiles.join(', ') || 'see hwprobe profiles'}); exit 1 when one fails` })
          .option('strict', STRICT_OPTION)
          .option('baseline', { type: 'string', requiresArg: true, coerce: nonEmpty('baseline'), describe: 'compare with a saved REPORT.json; exit 1 when something was lost or got slower' })
          .option('tolerance', { type: 'number', default: RUN_DEFAULTS.tolerance, describe: 'with --baseline: slow-down that counts as a regression (0.25 = 25%)' })
          .option('timings', { type: 'boolean', describe: 'add the cost of each source (wall, CPU, child process or not) to the report as `timings`' })
          .option('project', { type: 'string', requiresArg: true, describe: "judge the tfjs install of project DIR and load its native addon (without it, the current directory's is only read)" })
          .epilog(examples([['hwprobe', 'probe this machine, print a readable report'], ['hwprobe --json --calibrate off', 'detection only, JSON on stdout'], ['hwprobe --probes cpu,environment --out report.json --format json', 'two probes, report to a file'], ['hwprobe --replay fixtures/captures/x.json', 'report on a captured machine'], ['hwprobe --expect x86-64-v3 --expect needs.yaml --format github', 'CI gate with annotations'], ['hwprobe --calibrate quick --baseline last.json', 'what got lost or slower since last.json'], ['hwprobe --format nfd --out /etc/kubernetes/node-feature-discovery/features.d/hwprobe', 'node labels through NFD']])),
      (a) => {
        pending = runCommand(a as unknown as RunArgs, io);
      },
    )
    .command(
      'capture',
      'record every file, directory and command the probes read, for replay and bug reports',
      (y) =>
        commonOptions(y, help)
          .option('out', { type: 'string', demandOption: true, requiresArg: true, coerce: nonEmpty('out'), describe: 'capture file to write' })
          .option('description', { type: 'string', describe: 'where this capture comes from (stored in it)' })
          .epilog(examples([['hwprobe capture --out my-machine.json', 'record this machine (identifiers redacted)'], ['hwprobe --replay my-machine.json', 'then replay it anywhere']])),
      (a) => {
        pending = captureCommand(a as unknown as CommonArgs & { out: string; description?: string }, io);
      },
    )
    .command(
      'check <report>',
      'judge a saved report against expectations (exit 1 when an error-severity requirement fails)',
      (y) =>
        outputOptions(y)
          .positional('report', { type: 'string', demandOption: true, describe: 'a report written with --json' })
          .option('expect', { type: 'string', array: true, demandOption: true, requiresArg: true, coerce: nonEmpty('expect'), describe: 'expectation FILE or built-in PROFILE (repeatable)' })
          .option('strict', STRICT_OPTION)
          .epilog(examples([['hwprobe check report.json --expect x86-64-v3 --expect needs.json', 'gate a saved report'], ['hwprobe check report.json --expect needs.yaml --format junit --out hwprobe.xml', 'JUnit for the CI test view']])),
      (a) => {
        pending = checkCommand(a as unknown as OutputArgs & { report: string; expect: string[]; strict: boolean }, io);
      },
    )
    .command(
      'diff <base> <current>',
      'what was lost or got slower between two reports, and why (exit 1 when something was)',
      (y) =>
        outputOptions(y)
          .positional('base', { type: 'string', demandOption: true, describe: 'the baseline report' })
          .positional('current', { type: 'string', demandOption: true, describe: 'the report to compare' })
          .option('tolerance', { type: 'number', default: 0.25, describe: 'slow-down that counts as a regression (0.25 = 25%)' })
          .epilog(examples([['hwprobe diff yesterday.json today.json', 'capabilities lost, metrics regressed, facts changed']])),
      (a) => {
        pending = diffCommand(a as unknown as OutputArgs & { base: string; current: string; tolerance: number }, io);
      },
    )
    .command(
      'profiles',
      'list the built-in expectation profiles and what each requires',
      (y) => y.epilog(examples([['hwprobe profiles', 'then: hwprobe --expect x86-64-v3']])),
      () => {
        pending = profilesCommand(io);
      },
    )
    .command(
      'schema [name]',
      'print a JSON Schema',
      (y) =>
        y
          .positional('name', { choices: ['report', 'capture', 'expect'] as const, default: 'report' })
          .epilog(examples([['hwprobe schema report > report.schema.json', 'the report contract'], ['hwprobe schema expect', 'the expectation file format']])),
      (a) => {
        pending = schemaCommand(String(a.name), io);
      },
    )
    .command(
      'validate <file>',
      'validate a report, capture or expectation file (JSON or YAML)',
      (y) => y.positional('file', { type: 'string', demandOption: true }).epilog(examples([['hwprobe validate report.json', 'exit 0 when valid, 2 when not']])),
      (a) => {
        pending = validateCommand(String(a.file), io);
      },
    )
    .command('completion', 'print a bash/zsh completion script: hwprobe completion >> ~/.bashrc (works from npx too)', (y) => y, () => undefined)
    .epilog(EXIT_CODES)
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, (io.stdout as { columns?: number }).columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs's own validation errors (a flag given no value: YError) are usage errors, not bugs.
      if (err && err.name !== 'YError') throw err;
      throw Object.assign(new InputError(msg ?? err?.message ?? 'invalid arguments'), { usage: true });
    });

  try {
    checkBooleanValues(argv);
    if (argv[0] === 'completion') {
      io.stdout.write((await import('./completion.js')).completionScript(process.execPath, process.argv[1] ?? 'hwprobe'));
      return EXIT.OK;
    }
    let printed = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      printed = output;
    });
    if (printed) io.stdout.write(printed + '\n');
    if (pending) code = await pending;
  } catch (e) {
    return failure(e, argv, io);
  }
  return code;
}

/** The exit code and message of an error that ended a command. */
async function failure(e: unknown, argv: string[], io: CliIo): Promise<number> {
  if (e instanceof InputError) {
    io.stderr.write(`hwprobe: ${(e as { usage?: boolean }).usage ? await unknownFlagMessage(e.message) : e.message}\n`);
    if ((e as { usage?: boolean }).usage && argv.length) io.stderr.write(`run 'hwprobe --help' for usage\n`);
    return EXIT.INPUT;
  }
  if (e instanceof InternalError) {
    io.stderr.write(`hwprobe: ${e.message}\n`);
    return EXIT.INTERNAL;
  }
  io.stderr.write(`hwprobe: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT.INTERNAL;
}
