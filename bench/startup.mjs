#!/usr/bin/env node
// Start-up time of every vmunit command, from the built CLI (npm run build first):
//
//   node bench/startup.mjs [RUNS] [KUT_DIR] [--against OTHER_CHECKOUT]
//
// For each command: the median wall time and the median CPU time (user + system, from /usr/bin/time) of
// RUNS runs, beside `node -e 0` measured in the same run (the floor no Node CLI can go under). CPU time is
// printed because on a shared host the wall time follows the load average more than the code.
// --against: the same commands from another built checkout (e.g. main before a change), each run of one
// interleaved with the same run of the other, so both columns see the same load.
// Goal (issue 16): every command under 150 ms of wall time on a quiet machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
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

/** One run: wall and CPU milliseconds from /usr/bin/time. */
function once(argv) {
  const out = join(work, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', '-o', out, ...argv], { stdio: 'ignore' });
  if (r.error) throw r.error;
  const [wall, user, sys] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { wall: wall * 1000, cpu: (user + sys) * 1000, status: r.status };
}

/** Medians of RUNS runs of each argv, the argvs taking turns so that they share the load. */
function measure(label, argvs) {
  const samples = argvs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, argv] of argvs.entries()) samples[j].push(once(argv));
  }
  return samples.map((xs) => ({
    label,
    wall: median(xs.map((s) => s.wall)),
    cpu: median(xs.map((s) => s.cpu)),
    status: xs[0]?.status,
  }));
}

try {
  const [floor] = measure('node -e 0', [[process.execPath, '-e', '0']]);
  const rows = commands.map((cmd) =>
    measure(
      `vmunit ${cmd.join(' ')}`,
      bins.map((bin) => [process.execPath, bin, ...cmd]),
    ),
  );
  const width = Math.max(...rows.map(([r]) => r.label.length), floor.label.length);
  console.log(
    `start-up, median of ${runs} runs (wall / CPU ms); load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
  );
  if (against) console.log(`this checkout: ${repo}\nagainst:       ${against} (second column)`);
  const cell = (r) =>
    `${r.wall.toFixed(0).padStart(5)} / ${r.cpu.toFixed(0).padStart(4)}` +
    `   (+${(r.wall - floor.wall).toFixed(0)} / +${(r.cpu - floor.cpu).toFixed(0)} over node)` +
    (r.status !== 0 ? `   exit ${r.status}` : '');
  console.log(
    `${floor.label.padEnd(width)}  ${floor.wall.toFixed(0).padStart(5)} / ${floor.cpu.toFixed(0).padStart(4)}`,
  );
  for (const row of rows) console.log(`${row[0].label.padEnd(width)}  ${row.map(cell).join('   |')}`);
  const worst = rows.map(([r]) => r).reduce((a, b) => (b.wall > a.wall ? b : a));
  console.log(`slowest: ${worst.label} ${worst.wall.toFixed(0)} ms (goal < 150 ms on a quiet machine)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
