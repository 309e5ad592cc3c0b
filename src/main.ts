/** The CLI: parses flags, hands data to the engine, writes to injected streams, returns an exit code. */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import type { Writable } from 'node:stream';
import { EXIT, InputError, InternalError } from './errors.js';
import { VERSION } from './version.js';
import type { CalibrationLevel, Probe } from './types.js';
import type { Host } from './host/host.js';

/** Streams and environment the CLI uses; tests pass their own. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Used for colour decisions and as the probes' environment (through the allowlist). */
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
}

// yargs 17's CommonJS build loads in ~10 ms; the ESM entry of yargs 18 took ~50 ms here, a third of the start-up budget.
const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof import('yargs').default;

const FORMATS = ['text', 'json'] as const;
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
  if (args.out) await assertWritable(args.out);

  let host: Host;
  let calibrate = args.calibrate;
  if (args.replay) {
    const { ReplayHost } = await import('./host/replay-host.js');
    host = new ReplayHost(await readValidated(args.replay, 'capture'));
    calibrate = 'off'; // calibration never runs under replay
  } else {
    const { NodeHost } = await import('./host/node-host.js');
    host = new NodeHost({ env: io.env });
  }

  const run = await runProbes(host, probes, { calibrate, timeoutMs: ms, signal: io.signal });
  const report = buildReport(host, run, { probes: probes.map((p) => p.id), calibrate, redact: args.redact });
  assertValidReport(report);

  let text: string;
  if (format === 'json') text = (await import('./render/json.js')).renderJson(report);
  else text = (await import('./render/text.js')).renderText(report, { color: !args.out && useColor(io) });

  if (args.out) {
    await writeAtomic(args.out, text);
    io.stderr.write(`hwprobe: wrote ${args.out}\n`);
  } else io.stdout.write(text);
  return io.signal?.aborted ? EXIT.INTERRUPTED : EXIT.OK;
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
  io.stdout.write(schemaText(name as 'report' | 'capture'));
  return EXIT.OK;
}

async function validateCommand(file: string, io: CliIo): Promise<number> {
  const { readJsonFile, invalidDocument } = await import('./json-file.js');
  const { validate } = await import('./schemas.js');
  const data = await readJsonFile(file);
  const o = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const kind = 'captureVersion' in o ? 'capture' : 'schemaVersion' in o ? 'report' : undefined;
  if (!kind) throw new InputError(`${file}: neither a report (no /schemaVersion) nor a capture (no /captureVersion)`);
  const issues = validate(kind, data);
  if (issues.length) throw invalidDocument(file, kind, issues);
  io.stdout.write(`${file}: valid ${kind}\n`);
  return EXIT.OK;
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
        commonOptions(y)
          .option('format', { choices: FORMATS, describe: 'output format' })
          .option('json', { type: 'boolean', describe: 'shorthand for --format json' })
          .option('out', { type: 'string', describe: 'write the report to FILE (atomically) instead of stdout' })
          .option('calibrate', { choices: CALIBRATE, default: 'quick' as CalibrationLevel, describe: 'calibration level' })
          .option('replay', { type: 'string', describe: 'read the machine from a capture file instead (no calibration)' })
          .option('tui', { type: 'boolean', default: true, describe: 'live view on a terminal (--no-tui for plain text)' })
          .example('hwprobe', 'probe this machine, print a readable report')
          .example('hwprobe --json --calibrate off', 'detection only, JSON on stdout')
          .example('hwprobe --probes cpu,environment --out report.json --format json', 'two probes, report to a file')
          .example('hwprobe --replay fixtures/captures/x.json', 'report on a captured machine'),
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
      'schema [name]',
      'print a JSON Schema',
      (y) =>
        y
          .positional('name', { choices: ['report', 'capture'] as const, default: 'report' })
          .example('hwprobe schema report > report.schema.json', 'the report contract'),
      (a) => {
        pending = schemaCommand(String(a.name), io);
      },
    )
    .command(
      'validate <file>',
      'validate a report or capture file against its schema',
      (y) => y.positional('file', { type: 'string', demandOption: true }).example('hwprobe validate report.json', 'exit 0 when valid, 2 when not'),
      (a) => {
        pending = validateCommand(String(a.file), io);
      },
    )
    .epilog('exit codes: 0 ok · 1 an expectation failed · 2 usage or input error · 3 internal error · 130 interrupted')
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, (io.stdout as { columns?: number }).columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new InputError(msg);
    });

  try {
    let printed = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      printed = output;
    });
    if (printed) io.stdout.write(printed + '\n');
    if (pending) code = await pending;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr.write(`hwprobe: ${e.message}\n`);
      if (!e.message.includes('\n') && !/^--/.test(e.message) && argv.length) io.stderr.write(`run 'hwprobe --help' for usage\n`);
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
