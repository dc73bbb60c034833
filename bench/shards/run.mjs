// Sharding benchmark on a real kvm-unit-tests tree: the wall time of N shards run as N parallel processes
// against one unsharded run (-j N, the same parallelism), and the imbalance between the slowest and the
// fastest shard, round-robin versus balanced by the durations the unsharded run recorded (--durations).
// Goal: imbalance <= 15% on the x86 suite with recorded durations.
//
//   node bench/shards/run.mjs KUT_DIR [N] [WORK]
//
// ACCEL defaults to tcg. The tree is only read. WORK (default: a temp dir) keeps each run's results
// folder; set REUSE=1 to take the unsharded and round-robin runs from WORK (e.g. e2e/shards-kut.sh's, whose
// folders are named the same: whole/, shard1..N/) and run only the balanced shards; DURATIONS=dir balances
// by another record than whole/'s.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [kutArg, nArg, workArg] = process.argv.slice(2);
if (kutArg === undefined) {
  console.error('usage: node bench/shards/run.mjs KUT_DIR [N] [WORK]');
  process.exit(2);
}
const kut = resolve(kutArg);
const n = Number(nArg ?? 3);
const work = resolve(workArg ?? mkdtempSync(join(tmpdir(), 'vmunit-bench-shards-')));
const bin = resolve(import.meta.dirname, '../../bin/vmunit.js');
const env = { ...process.env, ACCEL: process.env.ACCEL ?? 'tcg' };
const reuse = process.env.REUSE === '1';

/** Runs vmunit with extra env; resolves to its wall time in seconds. */
function vmunit(args, extraEnv = {}) {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv }, stdio: 'ignore' });
    child.on('close', () => done((performance.now() - started) / 1000));
  });
}

/** A record's wall time, from its start and end times. */
function recordWall(dir) {
  const r = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8'));
  return (Date.parse(r.run.endTime) - Date.parse(r.run.startTime)) / 1000;
}

async function shards(prefix, extraArgs) {
  const dirs = Array.from({ length: n }, (_, i) => join(work, `${prefix}${i + 1}`));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  const started = performance.now();
  const walls = await Promise.all(
    dirs.map((d, i) =>
      vmunit(['run', '-C', kut, '-j', '1', '--results', d, ...extraArgs], {
        CI_NODE_INDEX: String(i + 1),
        CI_NODE_TOTAL: String(n),
      }),
    ),
  );
  return { walls, total: (performance.now() - started) / 1000, dirs };
}

const whole = join(work, 'whole');
let wholeWall;
if (reuse && existsSync(join(whole, 'record.json'))) wholeWall = recordWall(whole);
else {
  rmSync(whole, { recursive: true, force: true });
  wholeWall = await vmunit(['run', '-C', kut, '-j', String(n), '--results', whole]);
}
let rr;
if (reuse && existsSync(join(work, 'shard1', 'record.json'))) {
  const dirs = Array.from({ length: n }, (_, i) => join(work, `shard${i + 1}`));
  const walls = dirs.map(recordWall);
  rr = { walls, total: Math.max(...walls), dirs };
} else rr = await shards('shard', []);
// DURATIONS: another record to balance by (e.g. a merged sharded run, timed under the shards' own load).
const durations = process.env.DURATIONS === undefined ? whole : resolve(process.env.DURATIONS);
const balanced = await shards('balanced', ['--durations', durations]);

const imbalance = (w) => (Math.max(...w) - Math.min(...w)) / Math.max(...w);
const fmt = (s) => `${s.toFixed(1)} s`;
const pct = (x) => `${(x * 100).toFixed(1)}%`;
console.log(`tree ${kut}, ${n} shards, ACCEL=${env.ACCEL}, durations from ${durations}, results in ${work}`);
console.log(`one run (${reuse ? 'reused from WORK' : `-j ${n}`}):      ${fmt(wholeWall)}`);
console.log(
  `${n} shards round-robin (parallel): ${fmt(rr.total)}  (${(rr.total / wholeWall).toFixed(2)}x one run)`,
);
console.log(`   per shard: ${rr.walls.map(fmt).join(', ')}; imbalance ${pct(imbalance(rr.walls))}`);
console.log(
  `${n} shards by durations (parallel): ${fmt(balanced.total)}  (${(balanced.total / wholeWall).toFixed(2)}x one run)`,
);
console.log(
  `   per shard: ${balanced.walls.map(fmt).join(', ')}; imbalance ${pct(imbalance(balanced.walls))}`,
);
console.log(
  `goal: imbalance <= 15% with durations: ${imbalance(balanced.walls) <= 0.15 ? 'met' : 'NOT met'}`,
);
