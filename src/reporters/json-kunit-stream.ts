/**
 * kunit.py's JSON (json-kunit.ts has the format) written while the run goes: each suite becomes text when
 * it finishes (tree-stream.ts) and the top group's sub-groups go out as they come, so memory stays that of
 * the open suites. Byte for byte what `pythonJsonDumps` gives for the whole tree.
 */

import type { RunEvent, TestStatus } from '../events/types.js';
import { openDocumentSink } from '../util/sink.js';
import { type DoneTest, joinText, type Rendered, type Text, TreeStream, writeText } from './tree-stream.js';
import type { LeafReporter } from './types.js';

/** kunit_json.Metadata: empty for `parse`; the kernel tool passes its arch, defconfig and build dir. */
export interface KunitJsonMetadata {
  readonly arch?: string;
  readonly defconfig?: string;
  readonly buildDir?: string;
}

export const STATUS_MAP: Partial<Record<TestStatus, string>> = {
  SUCCESS: 'PASS',
  SKIPPED: 'SKIP',
  TEST_CRASHED: 'ERROR',
};

export function commonFields(meta: KunitJsonMetadata): Record<string, string | null> {
  return {
    arch: meta.arch ?? '',
    defconfig: meta.defconfig ?? '',
    build_environment: meta.buildDir ?? '',
    lab_name: null,
    kernel: null,
    job: null,
    git_branch: 'kselftest',
  };
}

const NON_ASCII = /[\u007f-\uffff]/g;

/** `ensure_ascii`: every character past `~` as a `\uXXXX` escape. */
export function asciiOnly(json: string): string {
  NON_ASCII.lastIndex = 0;
  if (!NON_ASCII.test(json)) return json;
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text json.dumps writes between quotes unchanged: printable ASCII but '"' and '\\'. */
const PLAIN = /^[ !#-[\]-~]*$/;

/** PLAIN's complement as a byte table (1: json.dumps escapes it). */
const ESCAPED = Uint8Array.from({ length: 256 }, (_, c) => (PLAIN.test(String.fromCharCode(c)) ? 0 : 1));

/** A JSON string as Python's json.dumps writes it. */
function str(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : asciiOnly(JSON.stringify(text));
}

const indent = (level: number): string => `\n${'    '.repeat(level)}`;
/** The usual depths, made once. */
const PADS: readonly string[] = Array.from({ length: 32 }, (_, level) => indent(level));

/** Indentation of json.dumps(indent=4) at a nesting level. */
function pad(level: number): string {
  return PADS[level] ?? indent(level);
}

/** `"key": value` lines of the common fields, at a group's inner level. */
function commonText(common: Record<string, string | null>, inner: string): string {
  let text = '';
  for (const [key, value] of Object.entries(common)) {
    text += `,${inner}${str(key)}: ${value === null ? 'null' : str(value)}`;
  }
  return text;
}

/** A JSON list at `level` whose items are already indented for it. */
function list(items: readonly Text[], level: number): Text {
  if (items.length === 0) return '[]';
  const inner = pad(level + 1);
  const parts: Text[] = [`[${inner}`];
  const separator = `,${inner}`;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(separator);
    parts.push(items[i] as Text);
  }
  parts.push(`${pad(level)}]`);
  return joinText(parts);
}

/**
 * A test case at tree level `l` is an object at JSON level 2l (object, list, object, ...): the text before
 * its name and after it, made once per level and status (a case's text is then two concatenations), with
 * the quotes of a plain name included.
 */
function caseFrame(level: number, status: string): CaseFrame {
  const inner = pad(2 * level + 1);
  const open = `{${inner}"name": `;
  const close = `,${inner}"status": "${status}"${pad(2 * level)}}`;
  return { open, close, openQuoted: `${open}"`, closeQuoted: `"${close}` };
}

interface CaseFrame {
  readonly open: string;
  readonly close: string;
  readonly openQuoted: string;
  readonly closeQuoted: string;
}

function groupText(test: DoneTest, children: readonly Rendered[], common: string): Text {
  const level = 2 * test.level;
  const inner = pad(level + 1);
  const groups: Text[] = [];
  const cases: Text[] = [];
  for (const child of children) (child.group ? groups : cases).push(child.text);
  return joinText([
    `{${inner}"name": ${str(test.name)},${inner}"sub_groups": `,
    list(groups, level + 1),
    `,${inner}"test_cases": `,
    list(cases, level + 1),
    `${common}${pad(level)}}`,
  ]);
}

/** The streaming JSON reporter: the first root only, as kunit.py has one. */
export function createStreamingKunitJson(
  destination: NodeJS.WritableStream | string,
  common: Record<string, string | null>,
): LeafReporter {
  // Every character is ASCII (json.dumps' ensure_ascii, asciiOnly here).
  const sink = openDocumentSink(destination, 'latin1');
  const inner = pad(1);
  const commonTop = commonText(common, inner);
  const commonNested = new Map<number, string>();
  const commonAt = (level: number): string => {
    let text = commonNested.get(level);
    if (text === undefined) {
      text = commonText(common, pad(2 * level + 1));
      commonNested.set(level, text);
    }
    return text;
  };
  let rootId: string | undefined;
  let groups = 0;
  const cases: Text[] = [];
  let ended = false;
  const head = `{${inner}"name": "KUnit Test Group",${inner}"sub_groups": `;
  const end = (): void => {
    if (ended) return;
    ended = true;
    sink.write(groups === 0 ? `${head}[]` : pad(1) + ']');
    sink.write(`,${inner}"test_cases": `);
    writeText(sink, list(cases, 1));
    sink.write(`${commonTop}\n}`);
    if (typeof destination !== 'string') sink.write('\n');
  };
  const frames = new Map<string, CaseFrame[]>();
  const caseText = (test: DoneTest): string => {
    const status = STATUS_MAP[test.status] ?? 'FAIL';
    let byLevel = frames.get(status);
    if (byLevel === undefined) {
      byLevel = [];
      frames.set(status, byLevel);
    }
    const frame = byLevel[test.level] ?? caseFrame(test.level, status);
    byLevel[test.level] = frame;
    const name = test.name;
    if (PLAIN.test(name)) return frame.openQuoted + name + frame.closeQuoted;
    return frame.open + str(name) + frame.close;
  };
  const stream = new TreeStream({
    render: (test, children) =>
      children.length > 0 ? groupText(test, children, commonAt(test.level)) : caseText(test),
    rootChild: (id, child) => {
      rootId ??= id;
      if (id !== rootId) return;
      if (!child.group) {
        cases.push(child.text);
        return;
      }
      sink.write(`${groups === 0 ? `${head}[` : ','}${pad(2)}`);
      writeText(sink, child.text);
      groups++;
    },
    rootEnd: (id) => {
      rootId ??= id;
      if (id === rootId) end();
    },
    passedCase: (level) => {
      const frame = caseFrame(level, 'PASS');
      return {
        head: Buffer.from(frame.openQuoted),
        tail: Buffer.from(frame.closeQuoted),
        // A case list's items, as list() joins them.
        separator: Buffer.from(`,${pad(2 * level)}`),
        escaped: ESCAPED,
      };
    },
  });
  return {
    onEvent(event: RunEvent): void {
      stream.push(event);
    },
    passedLeaves(leaves): void {
      stream.passedLeaves(leaves);
    },
    async close(): Promise<void> {
      stream.end();
      end();
      await sink.close();
    },
  };
}
