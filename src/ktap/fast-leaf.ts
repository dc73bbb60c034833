/**
 * The fast lane of `vmunit parse`. Most lines of a big KUnit log are passing test cases (`    ok 7 name`),
 * and through the event protocol each costs a decoded line string, a classified line, a result record, two
 * events and an open-test entry in every consumer. When the parser is waiting in a subtest loop with nothing
 * pending, such a line changes nothing but a count, so the parser reads it in place, as bytes of the input
 * chunk (never decoded), and hands its consumers one reused record instead: `PassedLeaves`, which stands for
 * exactly the test:start and test:result (SUCCESS) the event path would give each of a run of such cases.
 * A run of such cases is read in one loop, and each consumer takes the run in one call: a call per case
 * through the splitter, the parser and each reporter cost more than reading the case. Every other line
 * takes the event path.
 *
 * A line qualifies only when the general path would certainly read it the same way. `plainLineEnd` checks
 * what needs no parser state: printable ASCII or tabs (so UTF-8 bytes, characters and code points agree,
 * and there is no Python line break or space other than ' ' and '\t'), nothing to strip at its end, no ':'
 * (every extraction stop marker has one) and no '#' (no directive). `LeafScanner.scan` then checks the
 * shape after the extraction prefix: `[indent]ok N [- ]name`, N of at most 9 digits without a leading zero.
 */

import type { RunEvent } from '../events/types.js';

const TAB = 0x09;
const SPACE = 0x20;

const LF = 0x0a;

/**
 * The bytes of a fast-lane line: 1 for those it may have (printable ASCII and tab, but ':' and '#'), 2 for
 * the LF that ends it, so that LeafScanner.run finds where a line ends and checks its bytes in one pass (a
 * search for the LF, then a second pass over the line, took twice as long).
 */
const PLAIN_OR_LF = new Uint8Array(256);
for (let c = SPACE; c < 0x7f; c++) PLAIN_OR_LF[c] = 1;
PLAIN_OR_LF[TAB] = 1;
PLAIN_OR_LF[0x23] = 0; // '#'
PLAIN_OR_LF[0x3a] = 0; // ':'
PLAIN_OR_LF[LF] = 2;

/**
 * Where the plain line that starts at `start` ends (its LF, before `end`), or -1 when the bytes from `start`
 * are no such line: at least one byte, each one PLAIN_OR_LF allows, and nothing to strip at its end (the
 * last byte is no space or tab).
 */
export function plainLineEnd(bytes: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && PLAIN_OR_LF[bytes[i] as number] === 1) i++;
  if (i === start || i >= end || bytes[i] !== LF) return -1;
  const last = bytes[i - 1];
  return last === SPACE || last === TAB ? -1 : i;
}

/** The most cases one PassedLeaves holds (its name spans are a fixed array, reused). */
export const MAX_LEAVES = 1024;

/**
 * Consecutive passing test cases of one parent, each with no log, issue or directive: the cases numbered
 * `first` to `first + count - 1`. A record the parser reuses: do not keep it. The k-th case's name is the
 * printable ASCII bytes[names[2k], names[2k + 1]) of the input chunk, decoded only when a consumer asks.
 */
export class PassedLeaves {
  /** The open test they belong to (its test:start was delivered). */
  parentId = '';
  /** The first case's number, which its result line has. */
  first = 0;
  /**
   * The first case's position among the parent's children (test:start's index): `first`, but after the
   * root's children in earlier KTAP documents (`blocks: 'all'`), whose numbers start at 1 again.
   */
  order = 0;
  count = 0;
  /** The parent's depth + 1. */
  depth = 0;
  /** The chunk holding the names. */
  bytes: Buffer = Buffer.alloc(0);
  /** Where each name starts and ends in `bytes`, two entries per case. */
  readonly names = new Int32Array(2 * MAX_LEAVES);

  /** The k-th case's name (k from 0). */
  name(k: number): string {
    return latin1(this.bytes, this.names[2 * k] as number, this.names[2 * k + 1] as number);
  }
}

/** bytes[start, end) as text, one character per byte (exact for the ASCII the fast lane takes). */
export function latin1(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('latin1', start, end);
}

/** Receives the fast lane's test cases; called in event order, between the events of other lines. */
export type PassedLeavesListener = (leaves: PassedLeaves) => void;

/** Where a run of cases may go: the parent's next number, its plan, and the name that ends its list. */
export interface LeafRunLimits {
  /** The number the first case must have; each next one the next number. */
  readonly first: number;
  /** The last number the plan allows (Infinity without a plan). */
  readonly last: number;
  /** A case with this name ends the list (it is the parent's own result line): undefined for the root. */
  readonly parentName: string | undefined;
}

/**
 * Reads lines in place. The result of a scan (`number`, `nameStart`, `lineStart`) stays in the scanner
 * until the next one, so no record is made per line.
 */
export class LeafScanner {
  /** The result line's number. */
  number = 0;
  /** Where the name starts; it runs to the end of the line. */
  nameStart = 0;
  /** Where the last line `run` took starts. */
  lineStart = 0;

  /**
   * Takes the complete lines of bytes[start, end) that are, one after the other, plain (plainLineEnd) passing
   * cases with the numbers `limits` allow, `prefix` bytes cut first, up to MAX_LEAVES: their names go to
   * `into` (`count`), and the result is where the lines taken end (`start` when none).
   */
  run(
    bytes: Buffer,
    start: number,
    end: number,
    prefix: number,
    limits: LeafRunLimits,
    into: PassedLeaves,
  ): number {
    const { first, last, parentName } = limits;
    const names = into.names;
    let count = 0;
    let at = start;
    while (count < MAX_LEAVES && first + count <= last) {
      const nl = plainLineEnd(bytes, at, end);
      if (nl < 0 || !this.scan(bytes, at, nl, prefix)) break;
      if (this.number !== first + count || isName(bytes, this.nameStart, nl, parentName)) break;
      names[2 * count] = this.nameStart;
      names[2 * count + 1] = nl;
      count++;
      this.lineStart = at;
      at = nl + 1;
    }
    into.count = count;
    return at;
  }

  /**
   * True when the plain line (plainLineEnd) bytes[start, end), with `prefix` bytes cut first (extraction),
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

/** True when bytes[start, end) is `name`. */
function isName(bytes: Buffer, start: number, end: number, name: string | undefined): boolean {
  return name !== undefined && end - start === name.length && latin1(bytes, start, end) === name;
}

/**
 * The events PassedLeaves stand for, for a consumer that needs them as events; a case's id is
 * `<parentId>.<index>`, which no parser makes (its ids are a prefix and a number).
 */
export function passedLeavesEvents(leaves: PassedLeaves): RunEvent[] {
  const { parentId, first, order, count, depth } = leaves;
  const events: RunEvent[] = [];
  for (let k = 0; k < count; k++) {
    const index = order + k;
    const id = `${parentId}.${index}`;
    const name = leaves.name(k);
    events.push(
      { type: 'test:start', id, parentId, name, index, depth, isSuite: false },
      { type: 'test:result', id, name, status: 'SUCCESS', number: first + k },
    );
  }
  return events;
}
