/**
 * A small XML reader for vendor tool output (nvidia-smi -q -x): elements, attributes, text and
 * entities. No namespaces, no DTD processing: the prolog, comments and DOCTYPE are skipped.
 * Written by hand because no dependency of the project parses XML and this subset is ~60 lines.
 */

/** One XML element. `text` is the trimmed concatenation of its direct text nodes. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

/** Parses XML text into its root element. Throws with the byte offset on malformed input. */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const texts: string[][] = [[]];
  const tag = /<(\?[\s\S]*?\?>|!--[\s\S]*?-->|!\[CDATA\[([\s\S]*?)\]\]>|![^>]*>|\/?[^>]*>)/g;
  let last = 0;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    texts[texts.length - 1].push(decode(text.slice(last, m.index)));
    last = tag.lastIndex;
    const body = m[1];
    if (m[2] !== undefined) texts[texts.length - 1].push(m[2]);
    if (body[0] === '?' || body[0] === '!') continue;
    if (body[0] === '/') {
      const name = body.slice(1, -1).trim();
      const el = stack.pop();
      const t = texts.pop();
      if (!el || el.name !== name || stack.length === 0) throw new Error(`unexpected </${name}> at offset ${m.index}`);
      el.text = t!.join('').trim();
      continue;
    }
    const selfClosing = body.endsWith('/>');
    const inner = body.slice(0, selfClosing ? -2 : -1);
    const nm = /^([^\s/>]+)/.exec(inner);
    if (!nm) throw new Error(`malformed tag at offset ${m.index}`);
    const attrs: Record<string, string> = {};
    for (const a of inner.slice(nm[1].length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) attrs[a[1]] = decode(a[3] ?? a[4] ?? '');
    const el: XmlElement = { name: nm[1], attrs, children: [], text: '' };
    stack[stack.length - 1].children.push(el);
    if (!selfClosing) {
      stack.push(el);
      texts.push([]);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}> at end of input`);
  const top = root.children[0];
  if (!top) throw new Error('no root element');
  return top;
}

/** The first child element named `name`. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** The text of the element at a path of child names, or undefined. */
export function textAt(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = child(cur, p);
  return cur?.text;
}
