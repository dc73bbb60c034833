/**
 * The fast lane of `vmunit parse`. Most lines of a big KUnit log are passing test cases (`    ok 7 name`),
 * and through the event protocol each costs a decoded line string, a classified line, a result record, two
 * events and an open-test entry in every consumer. When the parser is waiting in a subtest loop with nothing
 * pending, such a line changes nothing but a count, so the parser reads it in place, as bytes of the input
 * chunk (never decoded), and hands its consumers one reused record instead: `PassedLeaf`, which stands for
 * exactly the test:start and test:result (SUCCESS) the event path would give. Every other line takes the
 * event path.
 *
 * A line qualifies only when the general path would certainly read it the same way. `isPlainLine` checks
 * what needs no parser state: printable ASCII or tabs (so UTF-8 bytes, characters and code points agree,
 * and there is no Python line break or space other than ' ' and '\t'), nothing to strip at its end, no ':'
 * (every extraction stop marker has one) and no '#' (no directive). `LeafScanner.scan` then checks the
 * shape after the extraction prefix: `[indent]ok N [- ]name`, N of at most 9 digits without a leading zero.
 */

import type { RunEvent } from '../events/types.js';

const TAB = 0x09;
const SPACE = 0x20;

/** The bytes a fast-lane line may have: printable ASCII and tab, but ':' and '#'. */
const PLAIN = new Uint8Array(256);
for (let c = SPACE; c < 0x7f; c++) PLAIN[c] = 1;
PLAIN[TAB] = 1;
PLAIN[0x23] = 0; // '#'
PLAIN[0x3a] = 0; // ':'

/** True when bytes[start, end) (a line without its break) may be a fast-lane line (see above). */
export function isPlainLine(bytes: Buffer, start: number, end: number): boolean {
  if (end <= start) return false;
  const last = bytes[end - 1];
  if (last === SPACE || last === TAB) return false;
  for (let i = start; i < end; i++) if (PLAIN[bytes[i] as number] === 0) return false;
  return true;
}

/**
 * A passing test case with no log, issue or directive; a record the parser reuses: do not keep it. Its name
 * is ASCII bytes of the input chunk, decoded only when a consumer asks for `name`.
 */
export class PassedLeaf {
  /** The open test it belongs to (its test:start was delivered). */
  parentId = '';
  /** Its position in the parent, which its result line's number equals. */
  index = 0;
  /** The parent's depth + 1. */
  depth = 0;
  /** The chunk holding the name, at [nameStart, nameEnd): printable ASCII. */
  bytes: Buffer = Buffer.alloc(0);
  nameStart = 0;
  nameEnd = 0;
  #name: string | undefined;

  /** Points the record at the next case. */
  set(parentId: string, index: number, depth: number, bytes: Buffer, start: number, end: number): void {
    this.parentId = parentId;
    this.index = index;
    this.depth = depth;
    this.bytes = bytes;
    this.nameStart = start;
    this.nameEnd = end;
    this.#name = undefined;
  }

  get name(): string {
    this.#name ??= latin1(this.bytes, this.nameStart, this.nameEnd);
    return this.#name;
  }
}

/** bytes[start, end) as text, one character per byte (exact for the ASCII the fast lane takes). */
export function latin1(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('latin1', start, end);
}

/** Receives the fast lane's test cases; called in event order, between the events of other lines. */
export type PassedLeafListener = (leaf: PassedLeaf) => void;

/**
 * Reads lines in place. The result of a scan (`number`, `nameStart`) stays in the scanner until the next
 * one, so no record is made per line.
 */
export class LeafScanner {
  /** The result line's number. */
  number = 0;
  /** Where the name starts; it runs to the end of the line. */
  nameStart = 0;

  /**
   * True when the plain line (isPlainLine) bytes[start, end), with `prefix` bytes cut first (extraction),
   * is `[indent]ok N name`.
   */
  scan(bytes: Buffer, start: number, end: number, prefix: number): boolean {
    if (end - start <= prefix) return false;
    let i = start + prefix;
    while (i < end && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
    // 'ok ', at least one digit and a space before the name's first byte.
    if (end - i < 6 || bytes[i] !== 0x6f || bytes[i + 1] !== 0x6b || bytes[i + 2] !== SPACE) return false;
    i += 3;
    const digits = i;
    let number = 0;
    for (let c = bytes[i] as number; i < end && c >= 0x30 && c <= 0x39; c = bytes[++i] as number)
      number = number * 10 + c - 0x30;
    const count = i - digits;
    if (count === 0 || count > 9 || bytes[digits] === 0x30 || i + 1 >= end || bytes[i] !== SPACE)
      return false;
    i++;
    // The result production takes an optional '- ' before the name.
    this.nameStart = i + 1 < end && bytes[i] === 0x2d && bytes[i + 1] === SPACE ? i + 2 : i;
    this.number = number;
    return true;
  }
}

/**
 * The events a PassedLeaf stands for, for a consumer that needs them as events; the test's id is
 * `<parentId>.<index>`, which no parser makes (its ids are a prefix and a number).
 */
export function passedLeafEvents(leaf: PassedLeaf): RunEvent[] {
  const { parentId, name, index, depth } = leaf;
  const id = `${parentId}.${index}`;
  return [
    { type: 'test:start', id, parentId, name, index, depth, isSuite: false },
    { type: 'test:result', id, name, status: 'SUCCESS', number: index },
  ];
}
