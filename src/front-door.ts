/**
 * Which front door a message is for: the CLI names its flags (`--calibrate quick`), the library its
 * options (`calibrate: 'quick'`), so a library caller is never told to pass a flag it does not have.
 */

/** The CLI (`hwprobe …`) or the library (`import … from 'hwprobe'`). */
export type FrontDoor = 'cli' | 'library';

/** An option as the user of this front door writes it: `--calibrate quick` / `calibrate: 'quick'`. */
export function optionText(door: FrontDoor, name: string, value?: string): string {
  if (door === 'cli') return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}${value === undefined ? '' : ` ${value}`}`;
  return value === undefined ? name : `${name}: ${JSON.stringify(value).replace(/^"|"$/g, "'")}`;
}
