/**
 * `matches` patterns in bounded time (issue 13 §5): `^(a+)+$` against a 35-character fact ran
 * `check` for more than 30 s in V8's backtracking engine. Two bounds, both needed:
 *  - at load, a pattern that can backtrack exponentially is refused (a repeated group that itself
 *    holds a repetition or an alternation — star height above one — or a backreference);
 *  - at evaluation, the subject is cut off at MAX_SUBJECT characters, so what is left (star
 *    height one) costs at most a polynomial of a bounded length.
 * We did not switch to a linear-time engine: V8's (`/l`) needs a start-up flag, and RE2 is a native add-on.
 */

/** Longest fact value a pattern is tested against. */
export const MAX_SUBJECT = 4096;

/** Why a pattern could backtrack exponentially, or undefined when it cannot. Assumes it compiles. */
export function unsafePattern(p: string): string | undefined {
  interface G { rep: boolean; alt: boolean }
  const stack: G[] = [{ rep: false, alt: false }];
  // Reads a quantifier at i: its length and whether it repeats (more than once), or 0.
  const quant = (i: number): { len: number; repeats: boolean } => {
    const c = p[i];
    if (c === '*' || c === '+') return { len: p[i + 1] === '?' ? 2 : 1, repeats: true };
    if (c === '?') return { len: 1, repeats: false };
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}\??/.exec(p.slice(i));
      // A small fixed bound ({0,2}) multiplies the cost by a constant power, not by the input length.
      if (m) return { len: m[0].length, repeats: m[2] !== undefined ? m[3] === '' || Number(m[3]) > 16 : Number(m[1]) > 16 };
    }
    return { len: 0, repeats: false };
  };
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    const top = stack[stack.length - 1];
    if (c === '\\') {
      if (/[1-9]/.test(p[i + 1] ?? '') || (p[i + 1] === 'k' && p[i + 2] === '<')) return 'a backreference';
      i++;
      const q = quant(i + 1);
      if (q.repeats) top.rep = true;
      i += q.len;
    } else if (c === '[') {
      for (i++; i < p.length && p[i] !== ']'; i++) if (p[i] === '\\') i++;
      const q = quant(i + 1);
      if (q.repeats) top.rep = true;
      i += q.len;
    } else if (c === '(') {
      stack.push({ rep: false, alt: false });
      if (p[i + 1] === '?') i += p[i + 2] === '<' && p[i + 3] !== '=' && p[i + 3] !== '!' ? p.indexOf('>', i) - i : 2;
    } else if (c === ')') {
      const g = stack.pop() ?? { rep: false, alt: false };
      const parent = stack[stack.length - 1] ?? top;
      const q = quant(i + 1);
      if (q.repeats && (g.rep || g.alt)) return `a repeated group that itself ${g.rep ? 'repeats' : 'alternates'} (nested quantifiers)`;
      if (q.repeats || g.rep) parent.rep = true;
      i += q.len;
    } else if (c === '|') top.alt = true;
    else {
      const q = quant(i + 1);
      if (q.repeats) top.rep = true;
      i += q.len;
    }
  }
  return undefined;
}

/** Tests a (load-checked) pattern against a value cut at MAX_SUBJECT characters. */
export function boundedMatch(pattern: string, value: string): boolean {
  return new RegExp(pattern).test(value.length > MAX_SUBJECT ? value.slice(0, MAX_SUBJECT) : value);
}
