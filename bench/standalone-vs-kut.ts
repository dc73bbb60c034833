/**
 * vmunit's standalone scripts vs kvm-unit-tests' own, side by side on the same configured tree: same exit
 * status and result line? how long does each take?
 *
 *   node --import tsx bench/standalone-vs-kut.ts [KUT_TREE] [TEST…]
 *
 * KUT_TREE (default $KUT_DIR) must be configured and built, with `make standalone` already run
 * there (its tests/ folder is the reference; this script never builds kvm-unit-tests). vmunit's scripts
 * are generated into a temporary folder from the same tree. Every script runs from an empty folder with
 * ACCEL=tcg TIMEOUT=20s and stdin from /dev/null, one at a time. Prints one line per test (statuses,
 * result lines, seconds) and the totals with the time ratio vmunit/upstream.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeStandaloneTests } from '../src/guest/standalone/build.js';

const DEFAULT_TESTS = ['setjmp', 'smptest', 'tsx-ctrl', 'msr', 'umip', 'cmpxchg8b', 'access_fep', 'pmu'];
const tree = process.argv[2] ?? process.env.KUT_DIR;
if (tree === undefined) {
  console.error('usage: bench/standalone-vs-kut.ts KUT_TREE [TEST...]   (or set KUT_DIR)');
  process.exit(2);
}
const names = process.argv.length > 3 ? process.argv.slice(3) : DEFAULT_TESTS;
const env = { PATH: process.env.PATH, HOME: process.env.HOME, ACCEL: 'tcg', TIMEOUT: '20s' };

function resultLine(stdout: string, name: string): string {
  const plain = stdout.replace(/\x1b\[\d+m/g, '');
  const lines = plain
    .split('\n')
    .filter((l) => l.startsWith('skip ') || new RegExp(`^(PASS|FAIL|SKIP) ${name}( |$)`).test(l));
  return lines.pop() ?? '';
}

function timed(file: string, args: string[], cwd: string): { status: number | null; s: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(file, args, { cwd, env, input: '', encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, s: (performance.now() - t0) / 1000, out: r.stdout };
}

const work = mkdtempSync(join(tmpdir(), 'vmunit-bench-sa-'));
try {
  const ours = join(work, 'tests');
  await writeStandaloneTests({ treeDir: tree, names, outDir: ours, allowMissing: false, generator: 'bench' });
  let same = 0;
  let tUp = 0;
  let tOurs = 0;
  console.log('test\tupstream\tvmunit\tup s\tvmunit s\tresult line (upstream | vmunit)');
  for (const name of names) {
    const up = timed('bash', [join(tree, 'tests', name)], work);
    const me = timed('bash', [join(ours, name)], work);
    const [lu, lv] = [resultLine(up.out, name), resultLine(me.out, name)];
    const agree = up.status === me.status && lu === lv;
    if (agree) same++;
    tUp += up.s;
    tOurs += me.s;
    console.log(
      `${agree ? 'same' : 'DIFF'} ${name}\t${up.status}\t${me.status}\t${up.s.toFixed(2)}\t${me.s.toFixed(2)}\t${lu} | ${lv}`,
    );
  }
  console.log(`standalone: ${same}/${names.length} identical (status and result line)`);
  console.log(
    `standalone time: upstream ${tUp.toFixed(1)} s, vmunit ${tOurs.toFixed(1)} s, ratio ${(tOurs / tUp).toFixed(2)}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
