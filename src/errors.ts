/** Errors that map to exit codes (DESIGN §9). */

/** Bad input or usage: exit 2. The message names the file and the path within it. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A report that fails its own schema, or another bug: exit 3. */
export class InternalError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

/** Exit codes. */
export const EXIT = { OK: 0, EXPECTATION: 1, INPUT: 2, INTERNAL: 3, INTERRUPTED: 130 } as const;
