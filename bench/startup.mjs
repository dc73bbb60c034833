#!/usr/bin/env node
// Start-up time of every vmunit command, from the built CLI (npm run build first):
//
//   node bench/startup.mjs [RUNS] [KUT_DIR] [--against OTHER_CHECKOUT] [--callgrind]
//
// For each command: the median wall time and the median CPU time (user + system, from wait4) of RUNS runs,
// beside `node -e 0` measured in the same rounds (the floor no Node CLI can go under). CPU time is printed
// because on a shared host the wall time follows the load average more than the code. Needs python3 (the
// timer). When NODE_EXTRA_CA_CERTS is set, `node -e 0` without it is printed too: Node 20 parses those
// certificates at every start (40 ms on the build host), a cost of the host, not of vmunit.
// --against: the same commands from another built checkout (e.g. main before a change), each run of one
// interleaved with the same run of the other, so both columns see the same load.
// --callgrind: instructions (all threads, under valgrind's callgrind, without NODE_EXTRA_CA_CERTS) instead of
// times: ~12 s a run, but the same figure whatever the load (within ~3%), so 1 run is enough.
// Goal (issue 16): every command under 150 ms of wall time on a quiet machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envWithoutCerts, timeChild } from './child-time.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const cg = args.indexOf('--callgrind');
const callgrind = cg >= 0 && args.splice(cg, 1).length === 1;
const at = args.indexOf('--against');
const against = at < 0 ? undefined : resolve(args.splice(at, 2)[1] ?? '');
const runs = Number(args[0] ?? 9);
const kut = args[1] ?? process.env.KUT_DIR;
for (const checkout of [repo, against]) {
  if (checkout !== undefined && !existsSync(join(checkout, 'dist', 'cli', 'main.js'))) {
    console.error(`startup.mjs: ${checkout}/dist is missing: run npm run build there first`);
    process.exit(2);
  }
}
const bins = [join(repo, 'bin', 'vmunit.js'), ...(against ? [join(against, 'bin', 'vmunit.js')] : [])];

const work = mkdtempSync(join(tmpdir(), 'vmunit-startup-'));
const ktap = join(work, 'tiny.ktap');
writeFileSync(ktap, 'KTAP version 1\n1..1\n    KTAP version 1\n    1..1\n    ok 1 case\nok 1 suite\n');
const commands = [
  ['--version'],
  ['--help'],
  ['run', '--help'],
  ...(kut ? [['run', '-l', '-C', kut]] : []),
  ['exec', '--help'],
  ['parse', ktap],
  ['parse', '--help'],
  ['kunit', '--help'],
  ['kunit', 'parse', ktap],
  ['test', '--help'],
  ['report', '--help'],
  ['merge', '--help'],
  ['compare', '--help'],
  ['lava-job', '--help'],
  ['completion', 'bash'],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/** One run under callgrind: millions of instructions, in both fields. */
function instructions(argv) {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', ...argv], {
    encoding: 'utf8',
    env: envWithoutCerts(),
  });
  const ir = Number(/Collected : (\d+)/.exec(r.stderr ?? '')?.[1]) / 1e6;
  if (r.error || !Number.isFinite(ir))
    throw new Error(`startup.mjs: valgrind failed: ${r.error ?? r.stderr}`);
  return { wall: ir, cpu: ir, status: r.status };
}

/** One run: wall and CPU milliseconds (../bench/child-time.mjs). */
function once(argv, env = process.env) {
  if (callgrind) return instructions(argv);
  const r = timeChild(argv, { env });
  return { wall: r.wallMs, cpu: r.cpuMs, status: r.status };
}

/** Medians of RUNS runs of each argv, the argvs taking turns so that they share the load. */
function measure(label, argvs, env) {
  const samples = argvs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, argv] of argvs.entries()) samples[j].push(once(argv, env));
  }
  return samples.map((xs) => ({
    label,
    wall: median(xs.map((s) => s.wall)),
    cpu: median(xs.map((s) => s.cpu)),
    status: xs[0]?.status,
  }));
}

const NODE = [process.execPath, '-e', '0'];
try {
  // Each command's rounds include a `node -e 0` of their own, so its "over node" sees the same load.
  const rows = commands.map((cmd) =>
    measure(`vmunit ${cmd.join(' ')}`, [NODE, ...bins.map((bin) => [process.execPath, bin, ...cmd])]),
  );
  const floor = {
    label: 'node -e 0',
    wall: median(rows.map(([f]) => f.wall)),
    cpu: median(rows.map(([f]) => f.cpu)),
  };
  const width = Math.max(...rows.map(([, r]) => r.label.length), floor.label.length);
  const what = callgrind ? 'millions of instructions' : 'wall / CPU ms, CPU from wait4';
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(`start-up, median of ${runs} runs (${what}); load average ${load}`);
  if (against) console.log(`this checkout: ${repo}\nagainst:       ${against} (second column)`);
  const figures = (r) =>
    callgrind
      ? `${r.wall.toFixed(0).padStart(5)}M`
      : `${r.wall.toFixed(0).padStart(5)} / ${r.cpu.toFixed(0).padStart(4)}`;
  const over = (r, f) =>
    callgrind
      ? `+${(r.wall - f.wall).toFixed(0)}M`
      : `+${(r.wall - f.wall).toFixed(0)} / +${(r.cpu - f.cpu).toFixed(0)}`;
  const cell = (r, f) =>
    `${figures(r)}   (${over(r, f)} over node)${r.status !== 0 ? `   exit ${r.status}` : ''}`;
  const plain = (r) => `${r.label.padEnd(width)}  ${figures(r)}`;
  console.log(plain(floor));
  if (process.env.NODE_EXTRA_CA_CERTS && !callgrind) {
    // Node 20 reads and parses those certificates at every start, before any JavaScript runs.
    const [without] = measure('node -e 0 without NODE_EXTRA_CA_CERTS', [NODE], envWithoutCerts());
    console.log(`${plain(without)}   (NODE_EXTRA_CA_CERTS is set here: every node start pays for it)`);
  }
  for (const [f, ...row] of rows)
    console.log(`${row[0].label.padEnd(width)}  ${row.map((r) => cell(r, f)).join('   |')}`);
  const worst = rows.map(([, r]) => r).reduce((a, b) => (b.wall > a.wall ? b : a));
  const unit = callgrind ? 'M instructions' : ' ms (goal < 150 ms on a quiet machine)';
  console.log(`slowest: ${worst.label} ${worst.wall.toFixed(0)}${unit}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
