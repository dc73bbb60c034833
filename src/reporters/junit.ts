/**
 * JUnit XML reporter, shaped like kunit.py's kunit_junit.py so that `vmunit parse --junit` output can be
 * diffed against kunit.py's byte for byte:
 * - the root ("main") is a `<testsuite>` with tests/failures/skipped/errors (= crashed + parse errors);
 * - every test that has subtests becomes a nested `<testsuite>`, every other one a `<testcase name>`;
 * - FAILURE → `<failure>Test Failed</failure>`, SKIPPED → `<skipped>{skip reason}</skipped>`,
 *   TEST_CRASHED → `<error>Test Crashed</error>`, then `<system-out>` with the test's log lines;
 * - two-space indentation and empty elements as `<x />`, as ElementTree's `indent` and serializer write them;
 * - files start with ElementTree's `<?xml version='1.0' encoding='utf-8'?>` and have no final newline
 *   (`write_junit_result`); streams get no declaration and a final newline (`ET.dump`, `--junit=stdout`).
 * Extensions, off with `kunitCompatible` (what `vmunit parse --junit` uses): `classname` on test cases (the
 * enclosing suites, dot-joined, which Jenkins and the GitHub actions group by), and when events carry the
 * data: `time` in seconds from durations, `message`/`type` attributes plus KUnit-style detail text from
 * FailureDetail and result reasons, the run's start as `timestamp` and its metadata (arch, accel, ...) as
 * `<properties>` on the root, and a test case for the verdict of a test whose own result
 * failed while its checks passed (verdict.ts).
 * Unlike ElementTree, characters that XML 1.0 forbids are replaced (see escape.ts) so the file always parses.
 */

import type { RunEvent, RunStartEvent } from '../events/types.js';
import type { TestNode } from '../ktap/model.js';
import { totalTests } from '../ktap/model.js';
import { TreeBuilder } from '../ktap/tree.js';
import { writeDocument } from '../util/sink.js';
import { xmlAttr, xmlText } from './escape.js';
import { formatFailure } from './failure-text.js';
import { createStreamingJUnit, type JUnitStyle, XML_DECLARATION } from './junit-stream.js';
import type { Reporter, ReporterOptions } from './types.js';

export { type JUnitStyle, XML_DECLARATION };

import { addVerdictCases } from './verdict.js';

export interface JUnitOptions {
  /** Default: 'file'. */
  readonly style?: JUnitStyle;
  /** Emit exactly kunit_junit.py's elements and attributes: no times, messages or detail text. */
  readonly kunitCompatible?: boolean;
  /** Wall time of the whole run, used as the root's `time` when the root has no duration. */
  readonly runElapsedMs?: number;
  /** The run's start: `timestamp` and `<properties>` of the root. */
  readonly runStart?: RunStartEvent;
}

export interface JUnitReporterOptions extends ReporterOptions {
  /** Default: 'file' when the destination is a path, 'dump' when it is a stream. */
  readonly style?: JUnitStyle;
  readonly kunitCompatible?: boolean;
}

interface XmlElement {
  readonly tag: string;
  readonly attrs: ReadonlyArray<readonly [string, string]>;
  readonly text?: string;
  readonly children: XmlElement[];
}

function el(tag: string, attrs: Array<readonly [string, string]> = [], text?: string): XmlElement {
  return text === undefined ? { tag, attrs, children: [] } : { tag, attrs, text, children: [] };
}

/** Serializes with ElementTree's indent() layout: children on their own lines, text inline. */
function serialize(element: XmlElement, level: number, out: string[]): void {
  const attrs = element.attrs.map(([k, v]) => ` ${k}="${xmlAttr(v)}"`).join('');
  if (element.children.length > 0) {
    out.push(`<${element.tag}${attrs}>`);
    const pad = `\n${'  '.repeat(level + 1)}`;
    for (const child of element.children) {
      out.push(pad);
      serialize(child, level + 1, out);
    }
    out.push(`\n${'  '.repeat(level)}</${element.tag}>`);
  } else if (element.text) out.push(`<${element.tag}${attrs}>${xmlText(element.text)}</${element.tag}>`);
  else out.push(`<${element.tag}${attrs} />`);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** A node's own duration, else the sum of its children's known durations (undefined when none known). */
function durationOf(node: TestNode): number | undefined {
  if (node.durationMs !== undefined) return node.durationMs;
  let sum: number | undefined;
  for (const child of node.subtests) {
    const d = durationOf(child);
    if (d !== undefined) sum = (sum ?? 0) + d;
  }
  return sum;
}

/** Where a node sits: the suite names below the root that enclose it. */
interface Place {
  readonly path: readonly string[];
  readonly rootName: string;
}

function suiteElement(
  node: TestNode,
  opts: JUnitOptions,
  place: Place | undefined,
  elapsedMs?: number,
): XmlElement {
  const c = node.counts;
  const attrs: Array<readonly [string, string]> = [
    ['name', node.name],
    ['tests', String(totalTests(c))],
    ['failures', String(c.failed)],
    ['skipped', String(c.skipped)],
    ['errors', String(c.crashed + c.errors)],
  ];
  const time = durationOf(node) ?? elapsedMs;
  const extra = !opts.kunitCompatible;
  if (extra && time !== undefined) attrs.push(['time', seconds(time)]);
  const isRoot = place === undefined;
  if (extra && isRoot && opts.runStart?.time !== undefined) {
    attrs.push(['timestamp', new Date(opts.runStart.time).toISOString().replace(/\.\d+Z$/, '')]);
  }
  const suite = el('testsuite', attrs);
  const meta = Object.entries(opts.runStart?.meta ?? {});
  if (extra && isRoot && meta.length > 0) {
    suite.children.push({
      ...el('properties'),
      children: meta.map(([k, v]) =>
        el('property', [
          ['name', k],
          ['value', v],
        ]),
      ),
    });
  }
  const inner: Place = isRoot
    ? { path: [], rootName: node.name }
    : { ...place, path: [...place.path, node.name] };
  for (const child of node.subtests) {
    suite.children.push(
      child.subtests.length > 0 ? suiteElement(child, opts, inner) : caseElement(child, opts, inner),
    );
  }
  return suite;
}

function caseElement(node: TestNode, opts: JUnitOptions, place: Place): XmlElement {
  const attrs: Array<readonly [string, string]> = [['name', node.name]];
  if (!opts.kunitCompatible) {
    attrs.push(['classname', place.path.length > 0 ? place.path.join('.') : place.rootName]);
    if (node.durationMs !== undefined) attrs.push(['time', seconds(node.durationMs)]);
  }
  const testcase = el('testcase', attrs);
  const outcome = outcomeElement(node, opts);
  if (outcome) testcase.children.push(outcome);
  if (node.log.length > 0) testcase.children.push(el('system-out', [], node.log.join('\n')));
  return testcase;
}

function outcomeElement(node: TestNode, opts: JUnitOptions): XmlElement | undefined {
  const extra = !opts.kunitCompatible;
  switch (node.status) {
    case 'FAILURE': {
      const first = node.failures[0];
      const attrs: Array<readonly [string, string]> = [];
      const message = first?.message ?? node.reason;
      if (extra && message !== undefined) attrs.push(['message', message]);
      if (extra && first?.operator !== undefined) attrs.push(['type', first.operator]);
      const detail = extra ? node.failures.flatMap((f) => formatFailure(f)) : [];
      return el('failure', attrs, ['Test Failed', ...detail].join('\n'));
    }
    case 'SKIPPED':
      return el('skipped', [], node.directive?.kind === 'SKIP' ? node.directive.reason : (node.reason ?? ''));
    case 'TEST_CRASHED':
    case 'FAILURE_TO_PARSE_TESTS': {
      // kunit_junit.py only knows TEST_CRASHED; a parse failure is the same "ran, never finished" outcome.
      if (node.status === 'FAILURE_TO_PARSE_TESTS' && opts.kunitCompatible) return undefined;
      const attrs: Array<readonly [string, string]> =
        extra && node.reason !== undefined ? [['message', node.reason]] : [];
      return el('error', attrs, 'Test Crashed');
    }
    default:
      return undefined;
  }
}

/** Renders result trees as a JUnit document (several roots are wrapped in `<testsuites>`). */
export function treeToJUnit(roots: TestNode | readonly TestNode[], opts: JUnitOptions = {}): string {
  const list = Array.isArray(roots) ? (roots as readonly TestNode[]) : [roots as TestNode];
  const suites = list.map((r) =>
    suiteElement(r, opts, undefined, list.length === 1 ? opts.runElapsedMs : undefined),
  );
  const top = suites.length === 1 && suites[0] ? suites[0] : { ...el('testsuites'), children: suites };
  const parts: string[] = [];
  serialize(top, 0, parts);
  const body = parts.join('');
  return opts.style === 'dump' ? `${body}\n` : `${XML_DECLARATION}\n${body}`;
}

/**
 * A reporter writing the JUnit document, renamed into place when complete: kunit-compatible documents are
 * streamed (junit-stream.ts), the extensions fold the run into a tree and write on close.
 */
export function createJUnitReporter(opts: JUnitReporterOptions): Reporter {
  const style = opts.style ?? (typeof opts.destination === 'string' ? 'file' : 'dump');
  // kunit.py's elements need no more than a test's own result: streamed. The extensions need the tree.
  if (opts.kunitCompatible) return createStreamingJUnit(opts.destination, style);
  const builder = new TreeBuilder();
  return {
    onEvent(event: RunEvent): void {
      builder.push(event);
    },
    async close(): Promise<void> {
      const elapsedMs = builder.elapsedMs;
      const roots = builder.finish();
      for (const root of roots) addVerdictCases(root);
      const xml = treeToJUnit(roots.length > 0 ? roots : builder.root(), {
        style,
        ...(elapsedMs === undefined ? {} : { runElapsedMs: elapsedMs }),
        ...(builder.runStart ? { runStart: builder.runStart } : {}),
      });
      await writeDocument(opts.destination, xml);
    },
  };
}
