/**
 * KTAP v1 writer: re-emits a normalised KTAP document from RunEvents, the way KUnit prints it — a version
 * line and plan, then per suite a nested `KTAP version 1` / `# Subtest: name` / plan block indented by four
 * spaces, diagnostics as `# ` lines directly before the result they belong to, and result lines
 * `ok N name # DIRECTIVE reason`. Output is normalised: tests are numbered by declaration order, names are
 * escaped, and every log line is a diagnostic.
 *
 * Streaming: lines are written as soon as document order allows. Events from concurrent producers
 * interleave, so each node buffers its children; the writer keeps one frontier (the first unfinished test
 * in document order), writes everything before it, and writes a suite's header as soon as the suite is on
 * the frontier. A finished subtree that waits behind a slower sibling is written the moment that sibling
 * completes. Where lines go follows kunit.py's attribution: a test's log is written right before its result
 * line (for suites after their last child), so parsing the output back gives each test its own log.
 *
 * On close, tests that never finished (interrupted run) are closed as `not ok N name # ERROR interrupted`
 * after a note, with a plan when their header was still unwritten, so the file stays a valid document.
 */

import { insertByIndex } from '../events/order.js';
import type { RunEvent, TestResultEvent } from '../events/types.js';
import type { TestNode } from '../ktap/model.js';
import { openStreamSink, type TextSink } from '../util/sink.js';
import { formatFailure } from './failure-text.js';
import { diagnosticLine, directiveFor, KTAP_INDENT, resultLine, subtestLine } from './ktap-lines.js';
import type { Reporter, ReporterOptions } from './types.js';

interface WriterNode {
  readonly id: string;
  name: string;
  readonly parent: WriterNode | undefined;
  /** test:start's index: children are written in index order, each once its predecessor is. */
  readonly index: number;
  /** 0 for a root; a node's result line is indented by level-1 steps, its inner lines by level steps. */
  readonly level: number;
  suite: boolean;
  plan: number | undefined;
  readonly attrs: Array<readonly [string, string]>;
  readonly logs: string[];
  readonly children: WriterNode[];
  result: TestResultEvent | undefined;
  /** Suites: version/`# Subtest:`/attributes/plan written. Roots: version line and attributes written. */
  headerWritten: boolean;
  /** Suites: the header has a `# Subtest:` line, by which kunit.py finds where the suite ends. */
  namedHeader: boolean;
  planWritten: boolean;
  /** Children may be written (the plan, if any, is out). */
  bodyOpen: boolean;
  /** Children whose result line has been written. */
  written: number;
}

/** The streaming engine; `KtapReporter` binds it to a sink. Exported for tests. */
export class KtapWriter {
  readonly #nodes = new Map<string, WriterNode>();
  readonly #roots: WriterNode[] = [];
  readonly #out: (text: string) => void;
  #rootsDone = 0;
  #topNumber = 0;
  #versionWritten = false;
  #noKtapWritten = false;
  #interrupted = false;
  #closing = false;
  #lines: string[] = [];

  constructor(out: (text: string) => void) {
    this.#out = out;
  }

  push(event: RunEvent): void {
    switch (event.type) {
      case 'test:start':
        this.#start(event);
        break;
      case 'test:plan':
        this.#plan(event.id, event.count);
        break;
      case 'test:attr': {
        const node = this.#nodes.get(event.id);
        // Attributes belong in a suite's header; once that is written they become diagnostics.
        if (node?.headerWritten) node.logs.push(`# ${event.key}: ${event.value}`);
        else node?.attrs.push([event.key, event.value]);
        return;
      }
      case 'test:log':
        this.#nodes.get(event.id)?.logs.push(event.line);
        return;
      case 'test:result': {
        const node = this.#nodes.get(event.id);
        if (!node || node.result) return;
        node.result = event;
        node.name = event.name;
        break;
      }
      case 'run:end':
        if (event.interrupted) this.#interrupted = true;
        return;
      default:
        return;
    }
    this.#flush();
  }

  /** Writes whatever is still open, closing unfinished tests as interrupted. */
  close(): void {
    this.#closing = true;
    this.#flush();
    if (!this.#versionWritten && !this.#noKtapWritten) this.#out('KTAP version 1\n1..0\n');
  }

  #start(event: Extract<RunEvent, { type: 'test:start' }>): void {
    const { id, parentId } = event;
    if (this.#nodes.has(id)) return;
    const parent = parentId === null ? undefined : this.#nodes.get(parentId);
    const node: WriterNode = {
      id,
      name: event.name,
      parent,
      index: event.index,
      level: parent ? parent.level + 1 : 0,
      suite: event.isSuite,
      plan: undefined,
      attrs: [],
      logs: [],
      children: [],
      result: undefined,
      headerWritten: false,
      namedHeader: false,
      planWritten: false,
      bodyOpen: false,
      written: 0,
    };
    this.#nodes.set(id, node);
    if (parent) insertByIndex(parent.children, node, (n) => n.index, parent.written);
    else this.#roots.push(node);
  }

  #plan(id: string, count: number): void {
    const node = this.#nodes.get(id);
    // A plan after the body opened cannot be placed any more; the results speak for themselves.
    if (node && !node.bodyOpen) node.plan = count;
  }

  #flush(): void {
    while (this.#rootsDone < this.#roots.length) {
      const root = this.#roots[this.#rootsDone] as WriterNode;
      // The header waits for the body: a run that turns out to have no KTAP at all writes none.
      if (!root.bodyOpen && !this.#bodyReady(root)) break;
      if (this.#noKtap(root)) {
        this.#rootsDone++;
        continue;
      }
      if (!root.headerWritten) this.#rootHeader(root);
      if (!root.bodyOpen) this.#openRootBody(root);
      if (!this.#drain(root)) break;
      if (!this.#closing) break; // a root may gain children until the run ends
      this.#writeLogs(0, root);
      this.#rootsDone++;
    }
    if (this.#lines.length > 0) {
      this.#out(`${this.#lines.join('\n')}\n`);
      this.#lines = [];
    }
  }

  #emit(level: number, text: string): void {
    this.#lines.push(`${KTAP_INDENT.repeat(level)}${text}`);
  }

  #rootHeader(root: WriterNode): void {
    if (!this.#versionWritten) this.#emit(0, 'KTAP version 1');
    this.#versionWritten = true;
    root.headerWritten = true;
    for (const line of attrLines(root, false)) this.#emit(0, line);
  }

  /**
   * A root whose log had no KTAP (kunit.py: "could not find any KTAP output") is written as a comment and no
   * KTAP either, so that reading the document back fails the same way: `KTAP version 1` and `1..0` would
   * read as a clean run of no tests.
   */
  #noKtap(root: WriterNode): boolean {
    const none = root.result?.status === 'FAILURE_TO_PARSE_TESTS' && root.children.length === 0;
    if (!none || root.headerWritten || root.plan !== undefined) return false;
    this.#emit(0, diagnosticLine('# vmunit: no KTAP output was found'));
    this.#noKtapWritten = true;
    return true;
  }

  /** Opens a root's body (once #bodyReady): its plan, when it can be known. */
  #openRootBody(root: WriterNode): void {
    root.bodyOpen = true;
    // Only the first run's plan can stand at the top; merged runs are numbered on, without a plan.
    const plan = this.#planOf(root);
    if (this.#roots[0] === root && plan !== undefined) {
      this.#emit(0, `1..${plan}`);
      root.planWritten = true;
    }
  }

  /** The announced plan, or, once the node has ended (or the run closes), the children it had. */
  #planOf(node: WriterNode): number | undefined {
    return node.plan ?? (node.result !== undefined || this.#closing ? node.children.length : undefined);
  }

  /**
   * Whether a parent's children may start. kunit.py reads every diagnostic between a header and its plan
   * as the parent's own log, so without a plan the first child may only be written when nothing of it
   * comes before its result line or its own version line; otherwise the parent waits for its plan or end.
   */
  #bodyReady(node: WriterNode): boolean {
    if (node.plan !== undefined || node.result !== undefined || this.#closing) return true;
    const first = node.children[0];
    if (first === undefined) return false;
    if (this.#headerReady(first)) return true;
    const r = first.result;
    if (r === undefined) return false;
    const reasonLine = r.status === 'FAILURE' && r.reason && !r.directive;
    return first.logs.length === 0 && first.attrs.length === 0 && !r.failures?.length && !reasonLine;
  }

  /**
   * Writes node's children in index order as far as they are finished; true when all known ones are
   * written. A child whose index skips one waits (a sibling started later by a `-j` run goes first) until
   * the run closes.
   */
  #drain(node: WriterNode): boolean {
    while (node.written < node.children.length) {
      const child = node.children[node.written] as WriterNode;
      const previous = node.children[node.written - 1]?.index ?? 0;
      if (child.index > previous + 1 && !this.#closing) return false;
      if (!this.#writeChild(child)) return false;
      node.written++;
    }
    return true;
  }

  /** A parent: announced as one, has children or a plan, or ran no tests (kunit.py's NO_TESTS parents). */
  #isSuite(node: WriterNode): boolean {
    return (
      node.suite || node.children.length > 0 || node.plan !== undefined || node.result?.status === 'NO_TESTS'
    );
  }

  /**
   * A suite's header waits for its plan (or first child, or end), so that attributes and the plan that
   * KUnit prints right after `# Subtest:` land inside the header.
   */
  #headerReady(node: WriterNode): boolean {
    if (!this.#isSuite(node)) return false;
    // An unnamed suite's header has no `# Subtest:` line, so kunit.py can only find its end by its plan: the
    // header waits until the plan is known (announced, or the children it had once it ended).
    if (node.name === '') return node.plan !== undefined || node.result !== undefined || this.#closing;
    return this.#bodyReady(node);
  }

  #writeChild(child: WriterNode): boolean {
    if (!child.headerWritten && this.#headerReady(child)) this.#suiteHeader(child);
    if (child.headerWritten && !this.#drain(child)) return false;
    if (!child.result && !this.#closing) return false;
    const result = child.result ?? this.#interruptedResult(child);
    const parent = child.parent as WriterNode;
    const number = parent.parent ? parent.written + 1 : ++this.#topNumber;
    if (this.#isPlaceholder(child, result, parent)) return true;
    const inner = child.headerWritten ? child.level : child.level - 1;
    child.name = result.name;
    if (!child.headerWritten) for (const line of attrLines(child, true)) this.#emit(inner, line);
    const logged = child.logs.slice();
    this.#writeLogs(inner, child, !child.headerWritten);
    for (const failure of result.failures ?? []) {
      // Producers like the unit library and the guest runner already log KUnit's text for a failed check
      // (`# case: EXPECTATION FAILED at file:line`); detail that the log carries is not repeated.
      const at = failure.location ? ` at ${failure.location.file}:${failure.location.line}` : '';
      if (logged.some((l) => l.includes(`${failure.message}${at}`))) continue;
      for (const line of formatFailure(failure)) this.#emit(inner, diagnosticLine(`# ${line}`));
    }
    if (result.status === 'FAILURE' && result.reason && !result.directive) {
      this.#emit(inner, diagnosticLine(`# ${result.reason}`));
    }
    const directive = directiveFor(result.status, result.directive, result.reason);
    this.#emit(child.level - 1, resultLine(number, result.name, result.status, directive));
    return true;
  }

  /**
   * Writes a node's log. Parsers keep attribute lines (`# module: x`) in the log as kunit.py does and also
   * report them as attributes, which the writer already put in the header; each is written once.
   */
  #writeLogs(level: number, node: WriterNode, asCase = false): void {
    const written = attrLines(node, asCase);
    for (const line of node.logs.splice(0)) {
      const text = diagnosticLine(line);
      const seen = written.indexOf(text);
      if (seen >= 0) written.splice(seen, 1);
      else this.#emit(level, text);
    }
  }

  #suiteHeader(node: WriterNode): void {
    node.headerWritten = true;
    this.#emit(node.level, 'KTAP version 1');
    // kunit.py matches a plan-less suite's end by the header name, so an unnamed suite gets no header line.
    if (node.name !== '') this.#emit(node.level, subtestLine(node.name));
    node.namedHeader = node.name !== '';
    for (const line of attrLines(node, false)) this.#emit(node.level, line);
    node.bodyOpen = true;
    // A suite that ended (or is closed) without announcing a plan gets one: the children it had.
    const plan = this.#planOf(node);
    if (plan !== undefined) {
      this.#emit(node.level, `1..${plan}`);
      node.planWritten = true;
    }
  }

  /**
   * kunit.py's parser adds a nameless crashed subtest for each one a plan promised but the input lacked.
   * Writing them back as lines would turn them into failures; leaving them out reproduces the crash.
   */
  #isPlaceholder(child: WriterNode, result: TestResultEvent, parent: WriterNode): boolean {
    // The crash comes back only where kunit.py sees the parent end early: at the parent's own result line,
    // which it knows by the `# Subtest:` name (an unnamed parent would take that line as the missing test).
    const planned = parent.parent
      ? parent.planWritten && parent.namedHeader
      : this.#roots[0] === parent && parent.planWritten;
    return (
      planned &&
      result.name === '' &&
      result.status === 'TEST_CRASHED' &&
      result.number === undefined &&
      child.children.length === 0
    );
  }

  #interruptedResult(node: WriterNode): TestResultEvent {
    const why = this.#interrupted ? 'interrupted' : 'did not finish';
    node.logs.push(`# vmunit: test ${why} before its result`);
    return {
      type: 'test:result',
      id: node.id,
      name: node.name,
      status: 'TEST_CRASHED',
      directive: { kind: 'ERROR', reason: why },
    };
  }
}

/**
 * A node's attributes as diagnostic lines in KUnit's forms: `# module: x` in a suite header and
 * `# <case>.speed: slow` before a test case's result line.
 */
function attrLines(node: WriterNode, asCase: boolean): string[] {
  const prefix = asCase && node.name !== '' ? `${node.name}.` : '';
  return node.attrs.map(([key, value]) => diagnosticLine(`# ${prefix}${key}: ${value}`));
}

/** Options of the KTAP reporter. */
export type KtapReporterOptions = ReporterOptions;

/** A streaming KTAP reporter; a file destination is written as the run goes. */
export function createKtapReporter(opts: KtapReporterOptions): Reporter {
  const sink: TextSink = openStreamSink(opts.destination);
  const writer = new KtapWriter((text) => sink.write(text));
  return {
    onEvent: (event) => writer.push(event),
    close: async () => {
      writer.close();
      await sink.close();
    },
  };
}

/** Events that rebuild `root` (a tree from TreeBuilder or a parser), in document order. */
export function treeToEvents(root: TestNode): RunEvent[] {
  const events: RunEvent[] = [];
  const visit = (node: TestNode, parentId: string | null, index: number, depth: number): void => {
    const id = parentId === null ? node.id : `${parentId}/${index}`;
    events.push({ type: 'test:start', id, parentId, name: node.name, index, depth, isSuite: node.isSuite });
    for (const [key, value] of Object.entries(node.attributes)) {
      events.push({ type: 'test:attr', id, key, value });
    }
    if (node.expectedCount !== undefined) events.push({ type: 'test:plan', id, count: node.expectedCount });
    node.subtests.forEach((child, i) => {
      visit(child, id, i + 1, depth + 1);
    });
    for (const line of node.log) events.push({ type: 'test:log', id, line });
    events.push({
      type: 'test:result',
      id,
      name: node.name,
      status: node.status,
      ...(node.number === undefined ? {} : { number: node.number }),
      ...(node.directive ? { directive: node.directive } : {}),
      ...(node.reason === undefined ? {} : { reason: node.reason }),
      ...(node.failures.length > 0 ? { failures: node.failures } : {}),
    });
  };
  visit(root, null, 1, 0);
  return events;
}

/** A finished list of events as normalised KTAP text (the same writer as the streaming reporter). */
export function eventsToKtap(events: Iterable<RunEvent>): string {
  let text = '';
  const writer = new KtapWriter((chunk) => {
    text += chunk;
  });
  for (const event of events) writer.push(event);
  writer.close();
  return text;
}

/** A whole result tree as normalised KTAP text. */
export function treeToKtap(root: TestNode): string {
  return eventsToKtap(treeToEvents(root));
}
