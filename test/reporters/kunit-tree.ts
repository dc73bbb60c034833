/**
 * Test helper: turns a kunit.py Test tree dumped by test/fixtures/reporters/kunit-junit/generate.py into the
 * RunEvents a faithful parser would emit for it, so reporters can be checked against kunit.py's own output
 * without depending on vmunit's parser.
 */

import { readFileSync } from 'node:fs';
import type { RunEvent, TestStatus } from '../../src/events/types.js';

/** One node of the dump (the fields generate.py writes). */
export interface KunitDumpNode {
  readonly name: string;
  readonly status: TestStatus;
  readonly skip_reason: string;
  readonly log: readonly string[];
  readonly counts: { readonly errors: number };
  readonly subtests: readonly KunitDumpNode[];
}

export function readDump(path: string): KunitDumpNode {
  return JSON.parse(readFileSync(path, 'utf8')) as KunitDumpNode;
}

/** Events for a dumped tree, depth first; parse errors are emitted on the node that recorded them. */
export function dumpToEvents(root: KunitDumpNode): RunEvent[] {
  const events: RunEvent[] = [{ type: 'run:start', producer: 'ktap', name: 'dump' }];
  let next = 0;
  const visit = (node: KunitDumpNode, parentId: string | null, index: number, depth: number): void => {
    const id = `t${next++}`;
    const isSuite = parentId === null || node.subtests.length > 0;
    events.push({ type: 'test:start', id, parentId, name: node.name, index, depth, isSuite });
    const childErrors = node.subtests.reduce((sum, s) => sum + s.counts.errors, 0);
    for (let i = 0; i < node.counts.errors - childErrors; i++) {
      events.push({ type: 'parse:issue', id, message: `issue ${i + 1}` });
    }
    node.subtests.forEach((s, i) => {
      visit(s, id, i + 1, depth + 1);
    });
    for (const line of node.log) events.push({ type: 'test:log', id, line });
    // kunit.py never bubbles a root that found no KTAP (FAILURE_TO_PARSE_TESTS, counts untouched), while
    // TreeBuilder would count that status as a crash; NO_TESTS is how a producer says "nothing ran".
    const status = parentId === null && node.status === 'FAILURE_TO_PARSE_TESTS' ? 'NO_TESTS' : node.status;
    events.push({
      type: 'test:result',
      id,
      name: node.name,
      status,
      ...(node.status === 'SKIPPED'
        ? { directive: { kind: 'SKIP' as const, reason: node.skip_reason } }
        : {}),
    });
  };
  visit(root, null, 1, 0);
  events.push({ type: 'run:end' });
  return events;
}
