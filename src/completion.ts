/**
 * Shell completion: the script `hwprobe completion` prints, and the candidates it asks for. The
 * script calls this very node and cli.js by absolute path, so it works after a local install or
 * from npx, where no `hwprobe` is on PATH. Flag values complete too: probe ids, formats, profiles.
 */
import { FORMATS } from './render/outcome.js';

const COMMANDS = ['run', 'capture', 'check', 'diff', 'profiles', 'schema', 'validate', 'completion'];
const COMMON = ['--probes', '--timeout', '--redact', '--no-redact', '--quiet', '--verbose', '--help', '--version'];
const OUTPUT = ['--format', '--json', '--out', '--nfd-refresh', '--nfd-metrics'];
const FLAGS: Record<string, string[]> = {
  run: [...COMMON, ...OUTPUT, '--calibrate', '--replay', '--tui', '--no-tui', '--expect', '--strict', '--baseline', '--tolerance', '--timings', '--project'],
  capture: [...COMMON, '--out', '--description'],
  check: [...OUTPUT, '--expect', '--strict', '--help', '--version'],
  diff: [...OUTPUT, '--tolerance', '--help', '--version'],
  schema: ['--help', '--version'],
  validate: ['--help', '--version'],
  profiles: ['--help', '--version'],
  completion: [],
};
/** Every long flag of every command (for "did you mean"). */
export const FLAG_NAMES: readonly string[] = [...new Set(Object.values(FLAGS).flat())];
/** Flags whose value is a path: the shell completes file names. */
const FILE_FLAGS = new Set(['--out', '--replay', '--baseline', '--project']);
/** The word the script turns into file-name completion. */
export const FILES = '__files__';

/**
 * Candidates for the last of `words`: the command line as the shell split it, `hwprobe` first (as
 * yargs' protocol has it), the word being completed last. `--probes cpu,cr` completes the list's last item.
 */
export function completions(line: readonly string[], lists: { probes: readonly string[]; profiles: readonly string[] }): string[] {
  const words = line.slice(1);
  const cur = words.at(-1) ?? '';
  const prev = words.at(-2);
  const cmd = words.slice(0, -1).find((w) => COMMANDS.includes(w)) ?? 'run';
  if (prev === '--probes') {
    const head = cur.includes(',') ? cur.slice(0, cur.lastIndexOf(',') + 1) : '';
    const taken = new Set(head.split(',').filter(Boolean));
    return lists.probes.filter((p) => !taken.has(p)).map((p) => head + p);
  }
  if (prev === '--format') return [...FORMATS];
  if (prev === '--calibrate') return ['off', 'quick', 'full'];
  if (prev === '--expect') return [...lists.profiles, FILES];
  if (prev && FILE_FLAGS.has(prev)) return [FILES];
  if (cmd === 'schema' && prev === 'schema') return ['report', 'capture', 'expect'];
  if ((cmd === 'check' || cmd === 'diff' || cmd === 'validate') && !cur.startsWith('-')) return [FILES];
  if (cur.startsWith('-')) return FLAGS[cmd] ?? [];
  return words.length <= 1 ? COMMANDS : (FLAGS[cmd] ?? []);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The bash completion script (zsh: after `autoload -U bashcompinit && bashcompinit`). */
export function completionScript(node: string, cli: string): string {
  return `###-begin-hwprobe-completions-###
# hwprobe completion for bash (zsh: run \`autoload -U bashcompinit && bashcompinit\` first).
# It calls this hwprobe by absolute path, so it works without hwprobe on PATH (npx, local install).
_hwprobe_completions() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" IFS=$'\\n' out
  out=$(${quote(node)} ${quote(cli)} --get-yargs-completions "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)
  COMPREPLY=($(compgen -W "$(printf '%s\\n' "$out" | grep -vx ${FILES})" -- "$cur"))
  if printf '%s\\n' "$out" | grep -qx ${FILES}; then COMPREPLY+=($(compgen -f -- "$cur")); fi
}
complete -o default -F _hwprobe_completions hwprobe
# Without hwprobe on PATH (npx, a local install), \`hwprobe\` runs this one.
command -v hwprobe >/dev/null 2>&1 || hwprobe() { ${quote(node)} ${quote(cli)} "$@"; }
###-end-hwprobe-completions-###
`;
}
