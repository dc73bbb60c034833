/**
 * The fast lane of `vmunit parse`. Most lines of a big KUnit log are passing test cases (`    ok 7 name`),
 * and through the event protocol each costs a line string, a classified line, a result record, two events
 * and an open-test entry in every consumer. When the parser is waiting in a subtest loop with nothing
 * pending, such a line changes nothing but a count, so the parser can read it in place (a range of the
 * decoded chunk) and hand its consumers one reused record instead: `PassedLeaf`, which stands for exactly
 * the test:start and test:result (SUCCESS) the event path would give. Every other line takes the event path.
 *
 * The scan accepts a line only when the general path would certainly read it the same way: printable ASCII
 * or tabs (no surrogates, so characters and code points agree; no Python line break or space other than
 * ' ' and '\t'), nothing to strip at its end, no ':' (every extraction stop marker has one), no '#' (no
 * directive), `ok` (not `not ok`), and a number of at most 9 digits without a leading zero.
 */

import type { RunEvent } from '../events/types.js';

/** A passing test case with no log, issue or directive; a record the parser reuses: do not keep it. */
export interface PassedLeaf {
  /** The open test it belongs to (its test:start was delivered). */
  parentId: string;
  name: string;
  /** Its position in the parent, which its result line's number equals. */
  index: number;
  /** The parent's depth + 1. */
  depth: number;
}

/** Receives the fast lane's test cases; called in event order, between the events of other lines. */
export type PassedLeafListener = (leaf: PassedLeaf) => void;

const TAB = 0x09;
const SPACE = 0x20;

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
   * The characters a fast-lane line may have: printable ASCII and tab, but ':' and '#'. Sticky, so one
   * native run from the line's start stops at the first other character (at the latest the line break).
   */
  readonly #allowed = /[\t\x20-\x22\x24-\x39\x3b-\x7e]*/y;

  /** True when text[start, end), with `prefix` characters cut first (extraction), is `[indent]ok N name`. */
  scan(text: string, start: number, end: number, prefix: number): boolean {
    const last = text.charCodeAt(end - 1);
    if (end - start <= prefix || last === SPACE || last === TAB) return false;
    const allowed = this.#allowed;
    allowed.lastIndex = start;
    allowed.test(text);
    if (allowed.lastIndex < end) return false;
    let i = start + prefix;
    while (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB) i++;
    if (!text.startsWith('ok ', i)) return false;
    i += 3;
    const digits = i;
    let number = 0;
    for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i))
      number = number * 10 + c - 0x30;
    const count = i - digits;
    if (count === 0 || count > 9 || text.charCodeAt(digits) === 0x30 || text.charCodeAt(i) !== SPACE)
      return false;
    i++;
    // The result production takes an optional '- ' before the name.
    this.nameStart = text.startsWith('- ', i) ? i + 2 : i;
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
