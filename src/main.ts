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

// yargs 17's CommonJS build loads in ~10 ms; the ESM entry of yargs 18 took ~50 ms here, a third of the start-up budget.
const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof import('yargs').default;

const FORMATS = ['text', 'json', 'markdown', 'junit', 'github', 'nfd', 'prometheus'] as const;
type Format = (typeof FORMATS)[number];
const CALIBRATE = ['off', 'quick', 'full'] as const;

interface CommonArgs {
  probes?: string;
  timeout: number;
  redact: boolean;
}

interface RunArgs extends CommonArgs {
  format?: (typeof FORMATS)[number];
  json?: boolean;
  out?: string;
  calibrate: CalibrationLevel;
  replay?: string;
  tui: boolean;
  expect?: string[];
  baseline?: string;
  tolerance: number;
  timings?: boolean;
  strict: boolean;
}

/** Options shared by the commands that judge or compare: run, check, diff. */
interface OutputArgs {
  format?: Format;
  json?: boolean;
  out?: string;
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

function timeoutMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InputError(`--timeout: must be a positive number of seconds, got ${seconds}`);
  return Math.round(seconds * 1000);
}

function useColor(io: CliIo): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return !!io.stdout.isTTY;
}

async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const { runProbes } = await import('./runner.js');
  const { buildReport, assertValidReport } = await import('./report.js');
  const { writeAtomic, assertWritable, readValidated } = await import('./json-file.js');
  const format = args.json ? 'json' : (args.format ?? 'text');
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

  // The live TUI: text on a terminal (both ends), not asked off, not in CI. Everything else prints once.
  const tui = format === 'text' && !args.out && args.tui && !!io.stdout.isTTY && !!io.stdin?.isTTY && !io.env.CI;
  const stop = new AbortController();
  const signal = io.signal ? AbortSignal.any([io.signal, stop.signal]) : stop.signal;
  const listeners = new Set<(ev: ProgressEvent) => void>();
  const seen: ProgressEvent[] = []; // replayed to a late subscriber: detection can finish before the TUI mounts

  const outcome = (async () => {
    const run = await runProbes(host, probes, { calibrate, timeoutMs: ms, signal, timings, onProgress: (ev) => (seen.push(ev), listeners.forEach((l) => l(ev))) });
    const report = buildReport(host, run, { probes: probes.map((p) => p.id), calibrate, redact: args.redact });
    assertValidReport(report);
    const check = sets ? (await import('./expect/evaluate.js')).evaluate(report, sets, { strict: args.strict }) : undefined;
    const diff = baseline ? (await import('./diff.js')).diffReports(baseline, report, { tolerance }) : undefined;
    const code = signal.aborted ? EXIT.INTERRUPTED : (check && !check.ok) || (diff && !diff.ok) ? EXIT.EXPECTATION : EXIT.OK;
    return { report, check, diff, code };
  })();

  if (tui) {
    const [{ runTui }, { buildView }] = await Promise.all([import('./tui/run.js'), import('./view/model.js')]);
    const result = outcome.then(({ report, check, diff, code }) => {
      // An inconclusive verdict gates like a warning (not strict), so the banner counts it as one.
      const view = buildView(report, check && { passed: check.passed, failed: check.failed, warnings: check.warned + check.inconclusive });
      if (diff && !diff.ok) {
        const text = `against the baseline: ${diff.lost} lost, ${diff.degraded} degraded, ${diff.regressed} slower`;
        view.banner = { kind: 'expectations', text: check ? `${view.banner.text} · ${text}` : text, tone: 'bad' };
      }
      return { view, exitCode: code };
    });
    const code = await runTui(
      {
        probeIds: probes.map((p) => p.id),
        machine: `${host.info().cpuCount} CPUs · ${host.info().platform}-${host.info().arch}`,
        subscribe: (fn) => (seen.forEach(fn), listeners.add(fn), () => void listeners.delete(fn)),
        result,
        interrupt: () => stop.abort(new Error('interrupted')),
      },
      { stdin: io.stdin as NonNullable<CliIo['stdin']>, stdout: io.stdout, stderr: io.stderr },
    );
    return code;
  }

  const { report, check, diff, code } = await outcome;
  const color = !args.out && useColor(io);
  let text: string;
  if (format === 'json') {
    // The JSON output stays a report (the contract); verdicts and the diff go to stderr as text.
    text = (await import('./render/json.js')).renderJson(report);
    if (check || diff) {
      const { renderVerdictsText, renderDiffText } = await import('./render/text.js');
      if (check) io.stderr.write(renderVerdictsText(check, { color: false }));
      if (diff) io.stderr.write(renderDiffText(diff, { color: false }));
    }
  } else text = await render(format, { report, check, diff }, color, true);
  await emit(text, format, args.out, io);
  return code;
}

function toleranceOf(t: number): number {
  if (!Number.isFinite(t) || t <= 0 || t >= 1) throw new InputError(`--tolerance: must be a fraction between 0 and 1 (0.25 = 25% slower), got ${t}`);
  return t;
}

/** Renders an outcome; text includes the report only for a run (`check` shows the verdicts alone). */
async function render(format: Format, o: import('./render/outcome.js').Outcome, color: boolean, textReport = false): Promise<string> {
  const { renderOutcome } = await import('./render/outcome.js');
  return renderOutcome(o, format, { color, withReport: textReport });
}

/** Writes output to --out (atomically) or stdout; Markdown is also appended to $GITHUB_STEP_SUMMARY when set. */
async function emit(text: string, format: Format, out: string | undefined, io: CliIo): Promise<void> {
  const { writeAtomic } = await import('./json-file.js');
  if (out) {
    await writeAtomic(out, text);
    io.stderr.write(`hwprobe: wrote ${out}\n`);
  } else io.stdout.write(text);
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
  await emit(await render(format, { report, check }, !args.out && useColor(io)), format, args.out, io);
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

/** --strict, for run and check: an inconclusive verdict fails the gate instead of warning. */
const STRICT_OPTION = { type: 'boolean', default: false, describe: 'with --expect: an inconclusive verdict (a measurement too noisy to decide) fails, exit 1' } as const;

function outputOptions<T>(y: Argv<T>) {
  return y
    .option('format', { choices: FORMATS, describe: 'output format' })
    .option('json', { type: 'boolean', describe: 'shorthand for --format json' })
    .option('out', { type: 'string', describe: 'write to FILE (atomically: a dot-temp file, then rename) instead of stdout' });
}

function commonOptions<T>(y: Argv<T>) {
  return y
    .option('probes', { type: 'string', describe: 'comma-separated probe ids to run (default: all)' })
    .option('timeout', { type: 'number', default: 10, describe: 'deadline per probe, in seconds' })
    .option('redact', { type: 'boolean', default: true, describe: 'redact hostname, serials, UUIDs, MACs (--no-redact to keep them)' });
}

/** Runs the CLI on argv; returns the exit code. Never calls process.exit. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.OK;
  let pending: Promise<number> | undefined;
  const parser = yargs()
    .scriptName('hwprobe')
    .usage('hwprobe — does this machine really have, and deliver, the hardware your software was built for?')
    .command(
      ['run', '$0'],
      'run the probes and print a report (text on a terminal, or --json)',
      (y) =>
        outputOptions(commonOptions(y))
          .option('calibrate', { choices: CALIBRATE, default: 'quick' as CalibrationLevel, describe: 'calibration level' })
          .option('replay', { type: 'string', describe: 'read the machine from a capture file instead (no calibration)' })
          .option('tui', { type: 'boolean', default: true, describe: 'live view on a terminal (--no-tui for plain text)' })
          .option('expect', { type: 'string', array: true, requiresArg: true, describe: 'judge the run against an expectation FILE or built-in PROFILE (repeatable); exit 1 when one fails' })
          .option('strict', STRICT_OPTION)
          .option('baseline', { type: 'string', requiresArg: true, describe: 'compare with a saved REPORT.json; exit 1 when something was lost or got slower' })
          .option('tolerance', { type: 'number', default: 0.25, describe: 'with --baseline: slow-down that counts as a regression (0.25 = 25%)' })
          .option('timings', { type: 'boolean', describe: 'add the cost of each source (wall, CPU, child process or not) to the report as `timings`' })
          .example('hwprobe', 'probe this machine, print a readable report')
          .example('hwprobe --json --calibrate off', 'detection only, JSON on stdout')
          .example('hwprobe --probes cpu,environment --out report.json --format json', 'two probes, report to a file')
          .example('hwprobe --replay fixtures/captures/x.json', 'report on a captured machine')
          .example('hwprobe --expect x86-64-v3 --expect needs.yaml --format github', 'CI gate with annotations')
          .example('hwprobe --calibrate quick --baseline last.json', 'what got lost or slower since last.json')
          .example('hwprobe --format nfd --out /etc/kubernetes/node-feature-discovery/features.d/hwprobe', 'node labels through NFD'),
      (a) => {
        pending = runCommand(a as unknown as RunArgs, io);
      },
    )
    .command(
      'capture',
      'record every file, directory and command the probes read, for replay and bug reports',
      (y) =>
        commonOptions(y)
          .option('out', { type: 'string', demandOption: true, describe: 'capture file to write' })
          .option('description', { type: 'string', describe: 'where this capture comes from (stored in it)' })
          .example('hwprobe capture --out my-machine.json', 'record this machine (identifiers redacted)')
          .example('hwprobe --replay my-machine.json', 'then replay it anywhere'),
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
          .option('expect', { type: 'string', array: true, demandOption: true, requiresArg: true, describe: 'expectation FILE or built-in PROFILE (repeatable)' })
          .option('strict', STRICT_OPTION)
          .example('hwprobe check report.json --expect x86-64-v3 --expect needs.json', 'gate a saved report')
          .example('hwprobe check report.json --expect needs.yaml --format junit --out hwprobe.xml', 'JUnit for the CI test view'),
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
          .example('hwprobe diff yesterday.json today.json', 'capabilities lost, metrics regressed, facts changed'),
      (a) => {
        pending = diffCommand(a as unknown as OutputArgs & { base: string; current: string; tolerance: number }, io);
      },
    )
    .command(
      'profiles',
      'list the built-in expectation profiles and what each requires',
      (y) => y.example('hwprobe profiles', 'then: hwprobe --expect x86-64-v3'),
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
          .example('hwprobe schema report > report.schema.json', 'the report contract')
          .example('hwprobe schema expect', 'the expectation file format'),
      (a) => {
        pending = schemaCommand(String(a.name), io);
      },
    )
    .command(
      'validate <file>',
      'validate a report, capture or expectation file (JSON or YAML)',
      (y) => y.positional('file', { type: 'string', demandOption: true }).example('hwprobe validate report.json', 'exit 0 when valid, 2 when not'),
      (a) => {
        pending = validateCommand(String(a.file), io);
      },
    )
    .completion('completion', 'print a bash/zsh completion script: hwprobe completion >> ~/.bashrc')
    .epilog('exit codes: 0 ok · 1 an expectation failed · 2 usage or input error · 3 internal error · 130 interrupted')
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, (io.stdout as { columns?: number }).columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? Object.assign(new InputError(msg), { usage: true });
    });

  try {
    if (argv[0] === 'completion') {
      // yargs prints the script only when no default command runs after it, so a bare instance prints it.
      let script = '';
      await yargs()
        .scriptName('hwprobe')
        .completion('completion', false)
        .exitProcess(false)
        .parseAsync(argv, {}, (_e, _a, out) => void (script = out));
      io.stdout.write(script + '\n');
      return EXIT.OK;
    }
    let printed = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      printed = output;
    });
    if (printed) io.stdout.write(printed + '\n');
    if (pending) code = await pending;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr.write(`hwprobe: ${e.message}\n`);
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
  return code;
}
