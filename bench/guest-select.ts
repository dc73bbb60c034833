/**
 * Harness overhead of reading a kvm-unit-tests tree's unittests.cfg and deciding every test (run() steps
 * 1–10 plus value expansion), vmunit vs the real run_tests.sh, side by side on the same tree.
 *
 *   node --import tsx bench/guest-select.ts [KUT_TREE]     (default $KUT_DIR, a configured tree)
 *
 * Both sides run on a throw-away copy of the tree's cfg and config.mak, with kvm-unit-tests' own scripts
 * linked in, and a run script that does nothing (records nothing, exits 0), so no QEMU runs on either side:
 * - `-l`: run_tests.sh -l vs parseUnittestsCfg + listTests;
 * - full: run_tests.sh (every entry through run(), two no-op run-script calls per runnable test: the
 *   premature-failure probe and the "launch") vs vmunit's parse + selectTest of every entry (vmunit spawns
 *   no probe; QEMU-side overhead is measured separately by the QEMU half).
 * Prints times and the ratio; the goal is < 50 ms of vmunit overhead per test.
 */

import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalCondition, expandValues } from '../src/guest/cfg/expand.js';
import { parseUnittestsCfg } from '../src/guest/cfg/parse.js';
import { readTreeConfig } from '../src/guest/config-mak.js';
import { listTests, selectTest } from '../src/guest/select.js';
import { readTreeSelection } from '../src/guest/tree-select.js';

const KUT = process.argv[2] ?? process.env.KUT_DIR ?? '';
if (KUT === '') {
  console.error('usage: bench/guest-select.ts KUT_TREE   (or set KUT_DIR)');
  process.exit(2);
}
const RUNS = 3;
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ACCEL: 'tcg', MAX_SMP: '2' };

function makeTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-bench-select-'));
  mkdirSync(join(dir, 'x86'));
  mkdirSync(join(dir, 'noop'));
  symlinkSync(join(KUT, 'scripts'), join(dir, 'scripts'));
  copyFileSync(join(KUT, 'run_tests.sh'), join(dir, 'run_tests.sh'));
  copyFileSync(join(KUT, 'x86/unittests.cfg'), join(dir, 'x86/unittests.cfg'));
  const cfg = parseUnittestsCfg(readFileSync(join(dir, 'x86/unittests.cfg'), 'utf8'), 'x86/unittests.cfg');
  for (const s of cfg) if (s.kernel !== '') writeFileSync(join(dir, 'x86', s.kernel), '');
  writeFileSync(
    join(dir, 'config.mak'),
    'HOST=x86_64\nARCH=x86_64\nARCH_NAME=x86_64\nTEST_DIR=x86\nTEST_SUBDIR=noop\nPRETTY_PRINT_STACKS=no\n' +
      'ENVIRON_DEFAULT=no\nERRATATXT=\nCONFIG_EFI=\nGEN_SE_HEADER=\n',
  );
  const run = [
    '#!/usr/bin/env bash',
    '[ "$1" = _NO_FILE_4Uhere_ ] && { echo "qemu: could not open kernel file \'_NO_FILE_4Uhere_\'"; exit 1; }',
    'exit 0',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'noop/run'), run, { mode: 0o755 });
  return dir;
}

function timeKut(dir: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('./run_tests.sh', args, { cwd: dir, env: ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`run_tests.sh failed: ${r.stderr}`);
  return performance.now() - t0;
}

async function timeOurs(dir: string, full: boolean): Promise<{ ms: number; tests: number; ran: number }> {
  const t0 = performance.now();
  const tree = await readTreeConfig(dir);
  const file = join(dir, tree.testDir, 'unittests.cfg');
  const specs = parseUnittestsCfg(readFileSync(file, 'utf8'), file);
  if (!full) {
    listTests(specs);
    return { ms: performance.now() - t0, tests: specs.length, ran: 0 };
  }
  const { options } = await readTreeSelection({ dir, env: ENV, tests: [], groups: [], all: false });
  let ran = 0;
  for (const spec of specs) {
    const sel = await selectTest(spec, options, { treeDir: dir });
    if (sel.kind === 'run') ran++;
  }
  return { ms: performance.now() - t0, tests: specs.length, ran };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const dir = makeTree();
  try {
    for (const [label, args, full] of [
      ['-l (parse + list)', ['-l'], false],
      ['all tests (decide + expand)', [], true],
    ] as const) {
      const kut: number[] = [];
      const ours: number[] = [];
      let tests = 0;
      let ran = 0;
      for (let i = 0; i < RUNS; i++) {
        kut.push(timeKut(dir, [...args]));
        const r = await timeOurs(dir, full);
        ours.push(r.ms);
        tests = r.tests;
        ran = r.ran;
      }
      const k = median(kut);
      const o = median(ours);
      console.log(
        `${label}: ${tests} entries (${ran} runnable)  run_tests.sh ${k.toFixed(0)} ms  vmunit ${o.toFixed(1)} ms  ` +
          `ratio ${(k / o).toFixed(1)}x  vmunit per entry ${(o / tests).toFixed(2)} ms`,
      );
    }
    await timeBashPath(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Entries whose values need bash (arm's `smp = $MAX_SMP`, `disabled_if`) pay one bash start each. */
async function timeBashPath(dir: string): Promise<void> {
  const n = 20;
  const raws = ['$((($MAX_SMP < 8)?$MAX_SMP:8))', '"get-time-of-day date=$(date +%s)"', '', '-cpu max'];
  let t0 = performance.now();
  for (let i = 0; i < n; i++) await expandValues(raws, ENV, { cwd: dir });
  const expand = (performance.now() - t0) / n;
  t0 = performance.now();
  for (let i = 0; i < n; i++) await evalCondition('[[ "$TARGET" != qemu ]]', ENV, { cwd: dir });
  const cond = (performance.now() - t0) / n;
  console.log(
    `bash path (values with $, backticks, globs…): expandValues ${expand.toFixed(1)} ms/entry, ` +
      `evalCondition ${cond.toFixed(1)} ms/entry`,
  );
}

await main();
