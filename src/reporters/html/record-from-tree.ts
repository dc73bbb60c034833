/**
 * Interim: a run record folded from events with TreeBuilder, until src/record's RecordBuilder is merged.
 * The root's children are the tests, everything below them checks; a test's verdict is its own result.
 */

import type { RunEvent, TestStatus } from '../../events/types.js';
import { logFileName } from '../../guest/logs.js';
import type { TestNode } from '../../ktap/model.js';
import { TreeBuilder } from '../../ktap/tree.js';
import {
  type LevelCounts,
  RECORD_FORMAT,
  RECORD_VERSION,
  type RecordCheck,
  type RecordTest,
  type RunRecord,
  type Verdict,
} from '../../record/types.js';

const VERDICT: Readonly<Record<TestStatus, Verdict>> = {
  SUCCESS: 'PASS',
  FAILURE: 'FAIL',
  SKIPPED: 'SKIP',
  TEST_CRASHED: 'ERROR',
  NO_TESTS: 'SKIP',
  FAILURE_TO_PARSE_TESTS: 'ERROR',
};

function zero(): LevelCounts {
  return { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, missing: 0 };
}

function addVerdict(c: LevelCounts, v: Verdict): void {
  c.total++;
  if (v === 'PASS') c.passed++;
  else if (v === 'FAIL') c.failed++;
  else if (v === 'SKIP') c.skipped++;
  else if (v === 'ERROR') c.errors++;
  else c.missing++;
}

function toCheck(node: TestNode, counts: LevelCounts): RecordCheck {
  const checks = node.subtests.map((c) => toCheck(c, counts));
  if (checks.length === 0) addVerdict(counts, VERDICT[node.status]);
  return {
    name: node.name,
    status: node.status,
    ...(node.directive ? { directive: node.directive } : {}),
    ...(node.reason ? { reason: node.reason } : {}),
    ...(node.durationMs === undefined ? {} : { durationMs: node.durationMs }),
    ...(node.failures.length > 0 ? { failures: node.failures } : {}),
    ...(node.log.length > 0 ? { log: node.log } : {}),
    ...(checks.length > 0 ? { checks } : {}),
  };
}

/** The failure messages, then the test's own log lines (the abort line is among the last). */
function output(node: TestNode): { output?: string[] } {
  const lines = [...node.failures.map((f) => f.message), ...node.log];
  return lines.length > 0 ? { output: lines } : {};
}

export class RecordFromTree {
  readonly #tree = new TreeBuilder();
  readonly #statuses = new Map<string, TestStatus>();

  push(event: RunEvent): void {
    // The tree overwrites a parent's status with its children's crash; the test's own word is kept here.
    if (event.type === 'test:result') this.#statuses.set(event.id, event.status);
    this.#tree.push(event);
  }

  record(): RunRecord {
    const root = this.#tree.root();
    const start = this.#tree.runStart;
    const testCounts = zero();
    const checkCounts = zero();
    const tests = root.subtests.map((node): RecordTest => {
      const counts = zero();
      const checks = node.subtests.map((c) => toCheck(c, counts));
      for (const k of Object.keys(counts) as Array<keyof LevelCounts>) checkCounts[k] += counts[k];
      const status = this.#statuses.get(node.id) ?? 'TEST_CRASHED';
      const verdict = VERDICT[status];
      addVerdict(testCounts, verdict);
      return {
        id: node.id,
        name: node.name,
        verdict,
        status,
        ...(node.directive ? { directive: node.directive } : {}),
        ...(node.reason ? { reason: node.reason } : {}),
        ...(node.durationMs === undefined ? {} : { durationMs: node.durationMs }),
        ...(start?.producer === 'guest' ? { log: logFileName(node.name) } : {}),
        checks,
        counts,
        ...output(node),
        ...(node.issues.length > 0 ? { issues: node.issues } : {}),
      };
    });
    return {
      format: RECORD_FORMAT,
      version: RECORD_VERSION,
      run: {
        producer: start?.producer ?? 'ktap',
        name: start?.name ?? root.name,
        tool: { name: 'vmunit', version: '0' },
        command: [],
        ...(start?.meta?.arch ? { arch: start.meta.arch } : {}),
        startTime: new Date(start?.time ?? 0).toISOString(),
        complete: !this.#tree.interrupted,
        interrupted: this.#tree.interrupted,
      },
      tests,
      counts: { tests: testCounts, checks: checkCounts },
    };
  }
}
