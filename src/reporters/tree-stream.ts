/**
 * The tree reporters (kunit.py's JSON and JUnit) without the tree: events are folded as they arrive, and a
 * test is rendered to text the moment it finishes, from its final status and counts (CountTracker, the
 * status rule TreeBuilder also applies) and its children's texts. Only open tests and the texts of their
 * finished children are held, so a million-case log costs what its open suites hold, not a tree of a
 * million nodes. The root's children go to the writer as soon as every earlier sibling is done.
 *
 * The result equals TreeBuilder's: children in `test:start` index order (events/order.ts), tests that
 * never finished closed as TEST_CRASHED when the run ends, the root named by its last result event.
 */

import { OpenTests } from '../events/open-tests.js';
import { insertByIndex } from '../events/order.js';
import type { RunEvent, TestDirective, TestStatus } from '../events/types.js';
import { CountTracker } from '../ktap/counts.js';
import { type PassedLeaves, passedLeavesEvents } from '../ktap/fast-leaf.js';
import type { TestCounts } from '../ktap/model.js';
import type { TextSink } from '../util/sink.js';
import { type CaseBytes, CaseRuns, caseBytesOf, type PassedCaseBytes } from './case-run.js';

/** A finished test, as a renderer sees it. */
export interface DoneTest {
  readonly name: string;
  /** Final status (the status rule applied). */
  readonly status: TestStatus;
  /** The subtree's counts, own parse issues included. */
  readonly counts: Readonly<TestCounts>;
  /** Nesting below its root (0 for the root). */
  readonly level: number;
  readonly directive: TestDirective | undefined;
  readonly reason: string | undefined;
  /** Its log lines; kept only for tests without children (the only ones that print them). */
  readonly log: readonly string[];
}

/**
 * A rendered test's text: a string, bytes (a run of fast-lane cases, in the document's encoding already),
 * or pieces in order. Bytes stay bytes until they reach the output: a million cases' text decoded to
 * strings, joined and encoded back cost more than all the rest of the JSON document.
 */
export type Text = string | Uint8Array | readonly Text[];

/** Writes `text` piece by piece, in order. */
export function writeText(sink: Pick<Required<TextSink>, 'write' | 'writeBytes'>, text: Text): void {
  if (typeof text === 'string') sink.write(text);
  else if (text instanceof Uint8Array) sink.writeBytes(text);
  else for (const piece of text) writeText(sink, piece);
}

/**
 * `parts` as one Text: a string when every part is one (joined once, so the result is flat), else the parts
 * with each stretch of strings joined.
 */
export function joinText(parts: readonly Text[]): Text {
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  const out: Text[] = [];
  let strings: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      strings.push(part);
      continue;
    }
    if (strings.length > 0) out.push(strings.join(''));
    strings = [];
    out.push(part);
  }
  if (strings.length > 0) out.push(strings.join(''));
  return out;
}

/** A finished child's text. `group`: it had children of its own. */
export interface Rendered {
  readonly index: number;
  readonly group: boolean;
  readonly text: Text;
}

export interface TreeRenderer {
  /**
   * The text of a finished non-root test; `children` its children's texts, in index order. `test` may be
   * a record reused for the next test: read it, do not keep it.
   */
  render(test: DoneTest, children: readonly Rendered[]): Text;
  /** A root's child, in index order, once every earlier child was given. */
  rootChild(rootId: string, child: Rendered): void;
  /** A root finished; its children were all given before. */
  rootEnd(rootId: string, root: DoneTest): void;
  /** The bytes of a passing case without log at `level`, for renderers that take fast-lane cases so. */
  passedCase?(level: number): PassedCaseBytes;
}

interface Open {
  readonly id: string;
  readonly parentId: string | null;
  readonly index: number;
  readonly level: number;
  readonly root: Open | undefined;
  name: string;
  log: string[] | undefined;
  children: number;
  /** Finished children's texts, in index order (allocated with the first: most tests have none). */
  done: Rendered[] | undefined;
  /** Roots only: the index the next child given to the renderer must have. */
  next: number;
}

const NO_LINES: readonly string[] = [];
const indexOf = (r: Rendered): number => r.index;
const NO_CHILDREN: readonly Rendered[] = [];

export class TreeStream {
  readonly #renderer: TreeRenderer;
  readonly #tracker = new CountTracker();
  /** Open tests in start order (a Map keeps insertion order), to close the unfinished deepest first. */
  readonly #open = new OpenTests<Open>();
  #directive: TestDirective | undefined;
  #reason: string | undefined;
  /** What passedLeaf renders, reused: a renderer reads it only during its call. */
  readonly #leaf: { -readonly [K in keyof DoneTest]: DoneTest[K] } = {
    name: '',
    status: 'SUCCESS',
    counts: { passed: 1, failed: 0, crashed: 0, skipped: 0, errors: 0 },
    level: 0,
    directive: undefined,
    reason: undefined,
    log: NO_LINES,
  };

  readonly #runs = new CaseRuns<Open>();
  readonly #caseFrames: CaseBytes[] = [];

  constructor(renderer: TreeRenderer) {
    this.#renderer = renderer;
  }

  push(event: RunEvent): void {
    this.#endRun();
    switch (event.type) {
      case 'test:start':
        this.#start(event.id, event.parentId, event.name, event.index);
        break;
      case 'test:log': {
        const node = this.#open.get(event.id);
        if (node === undefined || node.children > 0) break;
        if (node.log) node.log.push(event.line);
        else node.log = [event.line];
        break;
      }
      case 'test:result':
        if (!this.#open.has(event.id)) return;
        this.#directive = event.directive;
        this.#reason = event.reason;
        break;
    }
    const finished = this.#tracker.push(event);
    if (finished) this.#finish(finished.id, finished.name, finished.status, finished.counts);
  }

  /** Passing cases of the parser's fast lane: what push() does with their test:start and test:result. */
  passedLeaves(leaves: PassedLeaves): void {
    const parent = this.#open.get(leaves.parentId);
    if (parent === undefined || !this.#tracker.passedLeaves(leaves.parentId, leaves.count)) {
      this.#endRun();
      for (const event of passedLeavesEvents(leaves)) this.push(event);
      return;
    }
    parent.children += leaves.count;
    parent.log = undefined;
    const frame = parent.root === undefined ? undefined : this.#caseBytes(parent.level + 1);
    let k = 0;
    while (k < leaves.count) {
      const next = frame === undefined ? k : this.#addToRun(parent, frame, leaves, k);
      if (next > k) {
        k = next;
        continue;
      }
      this.#endRun();
      const test = this.#leaf;
      test.name = leaves.name(k);
      test.level = parent.level + 1;
      const text = this.#renderer.render(test, NO_CHILDREN);
      this.#give(parent, { index: leaves.order + k, group: false, text });
      k++;
    }
  }

  /**
   * Copies the cases of `leaves` from the `from`-th on into the run of their parent (a new run if needed),
   * up to the first whose name the renderer would escape; returns the index of the first case not copied.
   */
  #addToRun(parent: Open, frame: CaseBytes, leaves: PassedLeaves, from: number): number {
    if (!this.#runs.continues(parent)) this.#endRun();
    return this.#runs.add(parent, frame, leaves, from);
  }

  /** The renderer's bytes of a passing case at `level`, asked once per level. */
  #caseBytes(level: number): CaseBytes | undefined {
    const renderer = this.#renderer;
    if (renderer.passedCase === undefined) return undefined;
    let frame = this.#caseFrames[level];
    if (frame === undefined) {
      frame = caseBytesOf(renderer.passedCase(level));
      this.#caseFrames[level] = frame;
    }
    return frame;
  }

  /** Gives the open run to its parent as one child. */
  #endRun(): void {
    const run = this.#runs.close();
    if (run !== undefined) this.#give(run.parent, { index: run.first, group: false, text: run.bytes });
  }

  /** Closes what never finished (TEST_CRASHED, deepest first), as TreeBuilder.finish does. */
  end(): void {
    this.#endRun();
    for (const node of this.#open.values().reverse()) {
      this.push({ type: 'test:result', id: node.id, name: node.name, status: 'TEST_CRASHED' });
    }
  }

  #start(id: string, parentId: string | null, name: string, index: number): void {
    const parent = parentId === null ? undefined : this.#open.get(parentId);
    if (parent) {
      parent.children++;
      parent.log = undefined;
    }
    const node: Open = {
      id,
      parentId,
      index,
      level: parent ? parent.level + 1 : 0,
      root: parent ? (parent.root ?? parent) : undefined,
      name,
      log: undefined,
      children: 0,
      done: undefined,
      next: 1,
    };
    this.#open.set(id, node);
  }

  #finish(id: string, name: string, status: TestStatus, counts: Readonly<TestCounts>): void {
    const node = this.#open.get(id);
    if (!node) return;
    this.#open.delete(id);
    const test: DoneTest = {
      name,
      status,
      counts,
      level: node.level,
      directive: this.#directive,
      reason: this.#reason,
      log: node.log ?? NO_LINES,
    };
    this.#directive = undefined;
    this.#reason = undefined;
    if (node.root === undefined) {
      this.#flushRoot(node, true);
      this.#renderer.rootEnd(node.id, test);
      return;
    }
    const parent = node.parentId === null ? undefined : this.#open.get(node.parentId);
    if (!parent) return;
    this.#give(parent, {
      index: node.index,
      group: node.done !== undefined,
      text: this.#renderer.render(test, node.done ?? NO_CHILDREN),
    });
  }

  /** A finished child's text to its parent, and on to the renderer when the parent is a root. */
  #give(parent: Open, rendered: Rendered): void {
    if (parent.done) insertByIndex(parent.done, rendered, indexOf);
    else parent.done = [rendered];
    if (parent.root === undefined) this.#flushRoot(parent, false);
  }

  /** Gives the root's children that are next in index order (all of them when the root is done). */
  #flushRoot(root: Open, all: boolean): void {
    const done = root.done;
    if (done === undefined) return;
    let given = 0;
    while (given < done.length) {
      const child = done[given] as Rendered;
      if (!all && child.index !== root.next) break;
      this.#renderer.rootChild(root.id, child);
      root.next = child.index + 1;
      given++;
    }
    if (given === done.length) root.done = undefined;
    else if (given > 0) done.splice(0, given);
  }
}
