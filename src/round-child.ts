/**
 * A long-lived calibration child that measures on command (one JSON line in, one JSON line out).
 * The A/B calibrations start one such child per side and interleave their rounds, instead of one
 * child per kernel and side: fewer Node start-ups (seconds each on an emulated VM, issue 12 item 9)
 * and both sides measured within milliseconds of each other.
 *
 * Faults stay local: a child that dies, hangs past a command's timeout or prints something that is
 * not JSON is killed, and the command in flight fails with the reason; the caller decides what that
 * costs (the metrics of that side). Every child is reaped: close() ends its stdin and kills it if it
 * has not exited within CLOSE_GRACE_MS. Calibration measures the real machine, so this uses
 * node:child_process directly (not Host); argv and env come from the probe, never from the cwd.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseJsonBounded } from './json-bounded.js';
import { childEnv, reapOnExit, track } from './host/children.js';

/** How long close() waits for a child to exit on its own before killing it. */
export const CLOSE_GRACE_MS = 1000;

/** How to start a round child. */
export interface RoundChildOptions {
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** where the child writes its JSON lines: stdout (default), or file descriptor 3 when stdout carries library banners */
  channel?: 'stdout' | 'fd3';
  signal?: AbortSignal;
  /** messages that are not replies (objects without `ok` or `ready`), e.g. progress */
  onMessage?: (m: Record<string, unknown>) => void;
}

type Reply = Record<string, unknown>;

/** A running child; see the module comment. */
export class RoundChild {
  private readonly child: ChildProcess;
  private buf = '';
  private stderr = '';
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private why: string | null = null;
  /** the child's ready line (it may carry facts, or why it cannot measure) */
  readyLine: Reply | null = null;
  private exited: Promise<void>;
  private readonly onAbort = () => this.kill('was interrupted');

  private constructor(private readonly o: RoundChildOptions) {
    // The same environment and registry as every other child (src/host/children.ts): search lists
    // cleaned, marked, in a process group of its own, so reapAll() finds it on every exit path.
    this.child = spawn(process.execPath, o.argv, {
      env: childEnv(o.env ?? {}).env,
      ...(o.cwd ? { cwd: o.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe', ...(o.channel === 'fd3' ? (['pipe'] as const) : [])],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    reapOnExit();
    const untrack = this.child.pid !== undefined ? track(this.child.pid) : () => {};
    const channel = (o.channel === 'fd3' ? this.child.stdio[3] : this.child.stdout) as NodeJS.ReadableStream;
    if (o.channel === 'fd3') this.child.stdout!.resume(); // banners: read and dropped
    channel.on('data', (b: Buffer) => this.onData(b.toString()));
    this.child.stderr!.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4096);
    });
    this.child.stdin!.on('error', () => {}); // EPIPE after the child died: reported by 'close'
    this.child.on('error', (e) => this.kill(`could not start: ${e.message}`));
    this.exited = new Promise((res) => {
      this.child.on('close', (code, sig) => {
        untrack();
        o.signal?.removeEventListener('abort', this.onAbort);
        const tail = this.stderr.trim().split('\n').filter(Boolean).at(-1)?.slice(0, 200);
        this.why ??= sig ? `was killed by ${sig}` : `exited with code ${code}${tail ? `: ${tail}` : ''}`;
        this.fail(this.why);
        res();
      });
    });
    o.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Starts a child and waits for its `{"ready":true}` line; throws with the reason when it does not come within timeoutMs. */
  static async start(o: RoundChildOptions, timeoutMs: number): Promise<RoundChild> {
    const c = new RoundChild(o);
    if (o.signal?.aborted) c.kill('was interrupted before it started');
    const r = await c.wait(timeoutMs, `gave no ready line within ${Math.round(timeoutMs)} ms and was killed`);
    c.readyLine = r;
    if (r.ready !== true) {
      c.kill('did not start with a ready line');
      throw new Error('did not start with a ready line');
    }
    return c;
  }

  /** Why the child is gone, or null while it runs. */
  get dead(): string | null {
    return this.why;
  }

  /** Sends one command and waits for its reply; rejects with the reason (the child is then killed) on timeout, death or garbage. */
  ask(cmd: object, timeoutMs: number): Promise<Reply> {
    if (this.why) return Promise.reject(new Error(this.why));
    if (this.waiting) return Promise.reject(new Error('a command is already in flight'));
    const p = this.wait(timeoutMs, `gave no reply within ${Math.round(timeoutMs)} ms and was killed`);
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
    return p;
  }

  /** Ends the child's stdin and waits for it to exit; kills it after CLOSE_GRACE_MS. */
  async close(): Promise<void> {
    if (!this.why) this.child.stdin!.end();
    const t = setTimeout(() => this.kill('did not exit when asked to'), CLOSE_GRACE_MS);
    await this.exited;
    clearTimeout(t);
  }

  private wait(timeoutMs: number, onTimeout: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.why) return reject(new Error(this.why));
      const timer = setTimeout(() => this.kill(onTimeout), timeoutMs);
      this.waiting = { resolve, reject, timer };
    });
  }

  private onData(s: string): void {
    this.buf += s;
    if (this.buf.length > 1 << 20) return this.kill('printed more than 1 MiB without a line end');
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (!line) continue;
      let m: unknown;
      try {
        m = parseJsonBounded(line);
      } catch {
        return this.kill(`printed garbage: ${JSON.stringify(line.slice(0, 60))}`);
      }
      if (!m || typeof m !== 'object' || Array.isArray(m)) return this.kill(`printed garbage: ${JSON.stringify(line.slice(0, 60))}`);
      const r = m as Reply;
      if (!('ok' in r) && !('ready' in r)) {
        this.o.onMessage?.(r);
        continue;
      }
      const w = this.waiting;
      if (!w) return this.kill('printed a reply nobody asked for');
      this.waiting = null;
      clearTimeout(w.timer);
      w.resolve(r);
    }
  }

  private fail(why: string): void {
    const w = this.waiting;
    if (!w) return;
    this.waiting = null;
    clearTimeout(w.timer);
    w.reject(new Error(why));
  }

  private kill(why: string): void {
    this.why ??= why;
    this.fail(this.why);
    this.child.kill('SIGKILL');
  }
}
