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
  readonly expected_count: number | null;
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
    // kunit.py gives NO_TESTS only to parents (a header, no subtests), so those are suites too. Leaves keep
    // Test's default expected_count of 0, so a plan is only real on a node with subtests.
    const isSuite = parentId === null || node.subtests.length > 0 || node.status === 'NO_TESTS';
    events.push({ type: 'test:start', id, parentId, name: node.name, index, depth, isSuite });
    if (node.expected_count !== null && node.subtests.length > 0) {
      events.push({ type: 'test:plan', id, count: node.expected_count });
    }
    const childErrors = node.subtests.reduce((sum, s) => sum + s.counts.errors, 0);
    for (let i = 0; i < node.counts.errors - childErrors; i++) {
      events.push({ type: 'parse:issue', id, message: `issue ${i + 1}` });
    }
    node.subtests.forEach((s, i) => {
      visit(s, id, i + 1, depth + 1);
    });
    for (const line of node.log) events.push({ type: 'test:log', id, line });
    events.push({
      type: 'test:result',
      id,
      name: node.name,
      status: node.status,
      ...(node.status === 'SKIPPED'
        ? { directive: { kind: 'SKIP' as const, reason: node.skip_reason } }
        : {}),
    });
  };
  visit(root, null, 1, 0);
  events.push({ type: 'run:end' });
  return events;
}
