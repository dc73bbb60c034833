/**
 * Test helper: a strict, small XML 1.0 well-formedness checker (elements, attributes, text, character and
 * the five predefined entity references; no DTDs, comments or CDATA, which the reporters never write).
 * It returns the decoded tree so tests can assert on content after a round trip. xmlbuilder2's parser is
 * lenient (it accepts `<a>&</a>`), so it cannot serve as the oracle.
 */

import { spawnSync } from 'node:child_process';

export interface XmlNode {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlNode[];
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ALLOWED_CHARS = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare & at ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref] as string;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new Error(`unknown entity &${ref}; at ${where}`);
    const code = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
    const ch = String.fromCodePoint(code);
    if (!ALLOWED_CHARS.test(ch)) throw new Error(`reference to invalid character ${code} at ${where}`);
    return ch;
  });
}

/** Parses `xml` or throws with the offset of the first problem. */
export function parseXml(xml: string): XmlNode {
  if (!ALLOWED_CHARS.test(xml)) throw new Error('document contains characters XML 1.0 forbids');
  let pos = 0;
  const decl = /^<\?xml version=(['"])1\.0\1 encoding=(['"])utf-8\2\?>\n?/.exec(xml);
  if (decl) pos = decl[0].length;
  else if (xml.startsWith('<?')) throw new Error('malformed declaration');
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = xml.slice(pos, lt === -1 ? xml.length : lt);
    if (text.includes('>') && text.includes(']]>')) throw new Error(`]]> in text at ${pos}`);
    const top = stack.at(-1);
    if (top) top.text += decode(text, pos);
    else if (text.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    if (lt === -1) break;
    pos = lt;
    if (xml.startsWith('</', pos)) {
      const m = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(xml.slice(pos));
      const open = stack.pop();
      if (!m || !open || open.tag !== m[1]) throw new Error(`mismatched end tag at ${pos}`);
      pos += m[0].length;
      continue;
    }
    pos = parseStartTag(xml, pos, stack, (node) => {
      if (root !== undefined) throw new Error('more than one root element');
      root = node;
    });
  }
  if (stack.length > 0 || root === undefined) throw new Error('unclosed elements or no root');
  return root;
}

function parseStartTag(xml: string, start: number, stack: XmlNode[], setRoot: (n: XmlNode) => void): number {
  let pos = start + 1;
  const name = NAME.exec(xml.slice(pos));
  if (!name) throw new Error(`bad tag name at ${pos}`);
  pos += name[0].length;
  const node: XmlNode = { tag: name[0], attrs: {}, text: '', children: [] };
  for (;;) {
    const attr = /^\s+([A-Za-z_][\w.:-]*)="([^"<]*)"/.exec(xml.slice(pos));
    if (!attr) break;
    const key = attr[1] as string;
    if (key in node.attrs) throw new Error(`duplicate attribute ${key} at ${pos}`);
    node.attrs[key] = decode(attr[2] as string, pos);
    pos += attr[0].length;
  }
  const end = /^\s*(\/?)>/.exec(xml.slice(pos));
  if (!end) throw new Error(`bad start tag at ${pos}`);
  pos += end[0].length;
  const parent = stack.at(-1);
  if (parent) parent.children.push(node);
  else setRoot(node);
  if (end[1] !== '/') stack.push(node);
  return pos;
}

/** Python's expat as a second, independent oracle; undefined when python3 is not installed. */
export function expatAccepts(xml: string): boolean | undefined {
  const r = spawnSync(
    'python3',
    ['-c', 'import sys,xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read())'],
    {
      input: Buffer.from(xml, 'utf8'),
    },
  );
  if (r.error) return undefined;
  return r.status === 0;
}
