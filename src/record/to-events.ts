/**
 * `recordToEvents`: the event stream that renders a record, so every reporter can render a saved run. The
 * stream is canonical (per node: start, attributes, plan, children, log, issues, result), which is also what
 * the results folder's reports are rendered from, so `vmunit report` reproduces them byte for byte.
 */

import type { RunEvent, TestResultEvent } from '../events/types.js';
import type { NodeFacts, RecordCheck, RecordRoot, RecordTest, RunRecord } from './types.js';

type RecordNode = RecordRoot | RecordTest | RecordCheck;

interface Place {
  readonly parentId: string | null;
  readonly position: number;
  readonly depth: number;
}

function idOf(facts: NodeFacts | undefined, place: Place): string {
  if (facts?.id !== undefined) return facts.id;
  return place.parentId === null ? 'root' : `${place.parentId}/${place.position}`;
}

function resultOf(node: RecordNode, id: string): TestResultEvent {
  const f = node.node;
  return {
    type: 'test:result',
    id,
    name: node.name,
    ...(f?.number === undefined ? {} : { number: f.number }),
    status: node.status,
    ...(node.directive === undefined ? {} : { directive: node.directive }),
    ...(node.durationMs === undefined ? {} : { durationMs: node.durationMs }),
    ...(node.reason === undefined ? {} : { reason: node.reason }),
    ...('failures' in node && node.failures !== undefined ? { failures: node.failures } : {}),
    ...('verdict' in node && node.log !== undefined ? { log: node.log } : {}),
  };
}

function logLines(node: RecordNode): readonly string[] {
  if ('verdict' in node) return node.output ?? [];
  return node.log ?? [];
}

function* nodeEvents(
  node: RecordNode,
  children: readonly RecordNode[],
  place: Place,
  childrenOf: (n: RecordNode) => readonly RecordNode[],
): Generator<RunEvent> {
  const f = node.node;
  const id = idOf(f, place);
  yield {
    type: 'test:start',
    id,
    parentId: place.parentId,
    name: f?.startName ?? node.name,
    index: f?.index ?? place.position,
    depth: place.depth,
    isSuite: f?.suite === true,
    ...('startTime' in node && node.startTime !== undefined ? { time: Date.parse(node.startTime) } : {}),
  };
  for (const [key, value] of Object.entries(node.attributes ?? {}))
    yield { type: 'test:attr', id, key, value };
  if (f?.plan !== undefined) yield { type: 'test:plan', id, count: f.plan };
  let position = 0;
  for (const child of children) {
    position++;
    yield* nodeEvents(
      child,
      childrenOf(child),
      { parentId: id, position, depth: place.depth + 1 },
      childrenOf,
    );
  }
  for (const line of logLines(node)) yield { type: 'test:log', id, line };
  for (const issue of f?.issues ?? []) {
    yield {
      type: 'parse:issue',
      id,
      message: issue.message,
      ...(issue.line === undefined ? {} : { line: issue.line }),
      ...(issue.kind === undefined ? {} : { kind: issue.kind }),
      ...(issue.testName === undefined ? {} : { testName: issue.testName }),
    };
  }
  // A node the run never finished gets no result line, so reporters close it as they did live.
  if (f?.unfinished !== true) yield resultOf(node, id);
}

/** Events that render `record` as the run's own reporters saw it. */
export function* recordToEvents(record: RunRecord): Generator<RunEvent> {
  const run = record.run;
  yield {
    type: 'run:start',
    producer: run.producer,
    name: run.name,
    ...(run.properties === undefined ? {} : { meta: run.properties }),
    time: Date.parse(run.startTime),
  };
  const roots: readonly RecordRoot[] = record.roots ?? [{ name: run.name, status: 'NO_TESTS' }];
  const childrenOf = (n: RecordNode): readonly RecordNode[] => ('checks' in n ? (n.checks ?? []) : []);
  for (let r = 0; r < roots.length; r++) {
    const tests = record.tests.filter((t) => (t.root ?? 0) === r);
    yield* nodeEvents(roots[r] as RecordRoot, tests, { parentId: null, position: 1, depth: 0 }, childrenOf);
  }
  yield {
    type: 'run:end',
    interrupted: run.interrupted,
    ...(run.elapsedMs === undefined ? {} : { elapsedMs: run.elapsedMs }),
    ...(run.endTime === undefined ? {} : { time: Date.parse(run.endTime) }),
  };
}
