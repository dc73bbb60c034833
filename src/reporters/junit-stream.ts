/**
 * kunit.py's JUnit (`kunitCompatible`, junit.ts has the format) written while the run goes: each test
 * becomes text when it finishes (tree-stream.ts), so only open suites are held, plus the root's body,
 * whose opening tag needs the run's final counts. Byte for byte what `treeToJUnit` gives for the tree.
 *
 * The root's own indentation goes after each structural line break: '' for one root, two spaces inside
 * `<testsuites>` when a run has several, known only at the end. Line breaks in element text (a test's log)
 * are told apart by a mark after them (NUL, which escaping never leaves in text). A body without marks (most)
 * is written as the bytes it was kept as when it needs no indentation: no decoding, replacing, encoding.
 */

import type { RunEvent } from '../events/types.js';
import { totalTests } from '../ktap/model.js';
import { openDocumentSink, type TextSink } from '../util/sink.js';
import { xmlAttr, xmlText } from './escape.js';
import { type DoneTest, joinText, type Rendered, type Text, TreeStream, writeText } from './tree-stream.js';
import type { LeafReporter } from './types.js';

/** ElementTree's declaration, single quotes and all. */
export const XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>";

/** How the document is framed: a file (`write_junit_result`) or a dump to a stream (`ET.dump`). */
export type JUnitStyle = 'file' | 'dump';

const MARK = '\u0000';
const MARKS = /\u0000/g;
/** A structural line break: one without a mark. */
const STRUCTURAL = /\n(?!\u0000)/g;

const indent = (level: number): string => `\n${'  '.repeat(level)}`;
/** The usual depths, made once. */
const PADS: readonly string[] = Array.from({ length: 32 }, (_, level) => indent(level));

/** A structural line break and the indentation of `level`. */
function pad(level: number): string {
  return PADS[level] ?? indent(level);
}

/** An element with text, or `<tag />` when the text is empty (ElementTree's layout). */
function textElement(tag: string, text: string): string {
  return text === '' ? `<${tag} />` : `<${tag}>${xmlText(text).replaceAll('\n', `\n${MARK}`)}</${tag}>`;
}

function suiteTag(test: DoneTest): string {
  const c = test.counts;
  return (
    `<testsuite name="${xmlAttr(test.name)}" tests="${totalTests(c)}" failures="${c.failed}"` +
    ` skipped="${c.skipped}" errors="${c.crashed + c.errors}"`
  );
}

function outcome(test: DoneTest): string | undefined {
  switch (test.status) {
    case 'FAILURE':
      return '<failure>Test Failed</failure>';
    case 'SKIPPED':
      return textElement(
        'skipped',
        test.directive?.kind === 'SKIP' ? test.directive.reason : (test.reason ?? ''),
      );
    case 'TEST_CRASHED':
      return '<error>Test Crashed</error>';
    default:
      return undefined;
  }
}

/** Bytes xmlAttr changes among those a fast-lane name may have (printable ASCII and tab). */
const ATTR_ESCAPED = Uint8Array.from({ length: 256 }, (_, c) =>
  c < 0x20 || c > 0x7e || '&<>"'.includes(String.fromCharCode(c)) ? 1 : 0,
);

function caseText(test: DoneTest): string {
  const head = `<testcase name="${xmlAttr(test.name)}"`;
  const result = outcome(test);
  if (result === undefined && test.log.length === 0) return `${head} />`;
  const parts: string[] = [];
  if (result !== undefined) parts.push(result);
  if (test.log.length > 0) parts.push(textElement('system-out', test.log.join('\n')));
  const inner = pad(test.level + 1);
  return `${head}>${inner}${parts.join(inner)}${pad(test.level)}</testcase>`;
}

function render(test: DoneTest, children: readonly Rendered[]): Text {
  if (children.length === 0) return caseText(test);
  // One join: a flat string, where appending child by child leaves a chain of pieces that every later
  // step (the root's body, the write) must walk again.
  const inner = pad(test.level + 1);
  const parts: Text[] = [`${suiteTag(test)}>`];
  for (const child of children) parts.push(inner, child.text);
  parts.push(pad(test.level), '</testsuite>');
  return joinText(parts);
}

/**
 * A root's body, kept as UTF-8 off the JS heap: text in pieces (`keep` ends one), and runs of passing cases
 * as the bytes they came as (never changed once given, and free of marks).
 */
class KeptBody {
  readonly pieces: Buffer[] = [];
  #pending = '';

  get pendingLength(): number {
    return this.#pending.length;
  }

  write(text: string): void {
    this.#pending += text;
  }

  writeBytes(bytes: Uint8Array): void {
    this.keep();
    this.pieces.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** The text written since the last piece, as one piece. */
  keep(): void {
    if (this.#pending === '') return;
    this.pieces.push(Buffer.from(this.#pending));
    this.#pending = '';
  }
}

/** A root's document: its opening tag (known when it ends) and its body. */
interface Root {
  head: string;
  readonly body: KeptBody;
  children: number;
}

/**
 * A kept piece without its marks, as bytes: a NUL byte is never part of a longer UTF-8 sequence, so the
 * bytes between marks are written as they are, with no decoding and encoding of the piece.
 */
function writeUnmarked(sink: Required<TextSink>, piece: Buffer): void {
  let from = 0;
  for (let mark = piece.indexOf(0); mark >= 0; mark = piece.indexOf(0, from)) {
    sink.writeBytes(piece.subarray(from, mark));
    from = mark + 1;
  }
  sink.writeBytes(from === 0 ? piece : piece.subarray(from));
}

/** The streaming JUnit reporter (kunit-compatible elements only). */
export function createStreamingJUnit(
  destination: NodeJS.WritableStream | string,
  style: JUnitStyle,
): LeafReporter {
  const roots = new Map<string, Root>();
  const rootOf = (id: string): Root => {
    let root = roots.get(id);
    if (root === undefined) {
      root = { head: '', body: new KeptBody(), children: 0 };
      roots.set(id, root);
    }
    return root;
  };
  const stream = new TreeStream({
    render,
    rootChild: (id, child) => {
      const root = rootOf(id);
      root.children++;
      root.body.write(pad(1));
      writeText(root.body, child.text);
      // A piece ends between two children, never inside one's text (a line break and its mark stay together).
      if (root.body.pendingLength >= 65_536) root.body.keep();
    },
    rootEnd: (id, test) => {
      const root = rootOf(id);
      root.head = suiteTag(test) + (root.children > 0 ? '>' : ' />');
      if (root.children > 0) root.body.write(`${pad(0)}</testsuite>`);
      root.body.keep();
    },
    passedCase: (level) => ({
      head: Buffer.from('<testcase name="'),
      tail: Buffer.from('" />'),
      // A suite's children, as render() joins them.
      separator: Buffer.from(pad(level)),
      escaped: ATTR_ESCAPED,
    }),
  });
  const write = (sink: Required<TextSink>, root: Root, base: string): void => {
    sink.write(root.head);
    for (const piece of root.body.pieces) {
      if (base === '') writeUnmarked(sink, piece);
      else sink.write(piece.toString('utf8').replace(STRUCTURAL, `\n${base}`).replace(MARKS, ''));
    }
  };
  return {
    onEvent(event: RunEvent): void {
      stream.push(event);
    },
    passedLeaves(leaves): void {
      stream.passedLeaves(leaves);
    },
    async close(): Promise<void> {
      stream.end();
      const sink = openDocumentSink(destination);
      if (style === 'file') sink.write(`${XML_DECLARATION}\n`);
      const list = [...roots.values()];
      if (list.length === 0)
        sink.write('<testsuite name="main" tests="0" failures="0" skipped="0" errors="0" />');
      else if (list.length === 1 && list[0]) write(sink, list[0], '');
      else {
        sink.write('<testsuites>');
        for (const root of list) {
          sink.write('\n  ');
          write(sink, root, '  ');
        }
        sink.write('\n</testsuites>');
      }
      if (style === 'dump') sink.write('\n');
      await sink.close();
    },
  };
}
