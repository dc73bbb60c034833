/**
 * Reporter throughput on a synthetic KUnit run (SUITES × CASES tests with failures, skips and logs):
 * time per full render of JUnit, KTAP and HTML from the event stream, and JUnit against kunit.py's
 * kunit_junit.get_junit_result on the same tree when KUNIT_DIR (Linux tools/testing/kunit) and JUNIT_DIR
 * (a directory holding mainline kunit_junit.py) are set. Parsing is excluded on both sides.
 *
 *   KUNIT_DIR=... JUNIT_DIR=... node --import tsx bench/reporters/run.ts [suites] [cases]
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunEvent } from '../../src/events/types.js';
import { KtapParser } from '../../src/ktap/parser.js';
import { buildTree } from '../../src/ktap/tree.js';
import { htmlFromEvents } from '../../src/reporters/html/index.js';
import { treeToJUnit } from '../../src/reporters/junit.js';
import { KtapWriter } from '../../src/reporters/ktap.js';

const SUITES = Number(process.argv[2] ?? 200);
const CASES = Number(process.argv[3] ?? 50);
const REPEATS = 5;

function syntheticLog(): string {
  const out = ['KTAP version 1', `1..${SUITES}`];
  for (let s = 1; s <= SUITES; s++) {
    out.push('    KTAP version 1', `    # Subtest: suite_${s}`, `    1..${CASES}`);
    for (let c = 1; c <= CASES; c++) {
      out.push(`    # case_${c}: initializing <&>`);
      if (c % 10 === 0)
        out.push(`    # case_${c}: EXPECTATION FAILED at lib/x.c:${c}`, `    not ok ${c} case_${c}`);
      else if (c % 7 === 0) out.push(`    ok ${c} case_${c} # SKIP needs "hw"`);
      else out.push(`    ok ${c} case_${c}`);
    }
    out.push(`ok ${s} suite_${s}`);
  }
  return `${out.join('\n')}\n`;
}

function time(label: string, fn: () => number): number {
  fn();
  const start = performance.now();
  let size = 0;
  for (let i = 0; i < REPEATS; i++) size = fn();
  const ms = (performance.now() - start) / REPEATS;
  console.log(`${label.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms  (${(size / 1024).toFixed(0)} KiB)`);
  return ms;
}

const log = syntheticLog();
const parser = new KtapParser({ extract: false });
const events: RunEvent[] = [];
for (const line of log.slice(0, -1).split('\n')) events.push(...parser.push(line));
events.push(...parser.end());
console.log(`${SUITES * CASES} tests, ${events.length} events, mean of ${REPEATS} runs`);

const junitMs = time('vmunit JUnit (tree + render)', () => treeToJUnit(buildTree(events)).length);
time('vmunit KTAP (streaming writer)', () => {
  let n = 0;
  const w = new KtapWriter((t) => {
    n += t.length;
  });
  for (const e of events) w.push(e);
  w.close();
  return n;
});
time('vmunit HTML (record + render)', () => htmlFromEvents(events).length);

const { KUNIT_DIR, JUNIT_DIR } = process.env;
if (KUNIT_DIR && JUNIT_DIR) {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-bench-'));
  try {
    writeFileSync(join(dir, 'run.log'), log);
    const script = new URL('./junit-py.py', import.meta.url).pathname;
    const r = spawnSync('python3', [script, join(dir, 'run.log'), String(REPEATS)], { encoding: 'utf8' });
    const [pyMs] = (r.stdout.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (r.status !== 0 || pyMs === undefined) throw new Error(r.stderr);
    console.log(`${'kunit.py get_junit_result'.padEnd(34)} ${pyMs.toFixed(1).padStart(8)} ms`);
    console.log(`JUnit ratio vmunit / kunit.py: ${(junitMs / pyMs).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log('set KUNIT_DIR and JUNIT_DIR to time kunit.py side by side');
}
