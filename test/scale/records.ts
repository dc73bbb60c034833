/** Test helper (not a suite): small synthetic run records for merge, compare and KCIDB tests. */

import { emptyLevelCounts } from '../../src/record/counts.js';
import type { RecordCheck, RecordTest, RunRecord, ShardInfo, Verdict } from '../../src/record/types.js';
import { recountRecord } from '../../src/scale/record-counts.js';

const STATUS = {
  PASS: 'SUCCESS',
  FAIL: 'FAILURE',
  SKIP: 'SKIPPED',
  ERROR: 'TEST_CRASHED',
  MISS: 'FAILURE',
} as const;

export function check(name: string, status: RecordCheck['status'] = 'SUCCESS'): RecordCheck {
  return { name, status };
}

export function test(
  name: string,
  verdict: Verdict,
  checks: RecordCheck[] = [],
  reason?: string,
): RecordTest {
  const leaves = checks.length;
  const failed = checks.filter((c) => c.status === 'FAILURE').length;
  return {
    id: name,
    name,
    verdict,
    status: STATUS[verdict],
    ...(reason === undefined ? {} : { reason }),
    durationMs: 1000,
    startTime: '2026-12-03T10:00:00.000Z',
    checks,
    counts: { total: leaves, passed: leaves - failed, failed, skipped: 0, errors: 0, missing: 0 },
  };
}

export function record(tests: readonly RecordTest[], shard?: ShardInfo, head = 'abc123'): RunRecord {
  return recountRecord({
    format: 'vmunit-record',
    version: 1,
    run: {
      producer: 'guest',
      name: '/work/kut',
      tool: { name: 'vmunit', version: '0.1.0' },
      command: ['vmunit', 'run'],
      arch: 'x86_64',
      accel: 'tcg',
      qemu: { path: '/usr/bin/qemu-system-x86_64', version: '7.2.0' },
      tree: { dir: '/work/kut', head },
      host: { hostname: 'ci', os: 'linux', kernelRelease: '6.1.0', cpus: 2 },
      startTime: '2026-12-03T10:00:00.000Z',
      endTime: '2026-12-03T10:01:00.000Z',
      complete: true,
      interrupted: false,
      ...(shard === undefined ? {} : { shard }),
    },
    tests,
    counts: { tests: emptyLevelCounts(), checks: emptyLevelCounts() },
  });
}
