#!/usr/bin/env node
// Start-up time of every vmunit command, from the built CLI (npm run build first):
//
//   node bench/startup.mjs [RUNS] [KUT_DIR]
//
// For each command: the median wall time and the median CPU time (user + system, from /usr/bin/time) of
// RUNS runs, beside `node -e 0` measured in the same run (the floor no Node CLI can go under). CPU time is
// printed because on a shared host the wall time follows the load average more than the code.
// Goal (issue 16): every command under 150 ms of wall time on a quiet machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'vmunit.js');
const runs = Number(process.argv[2] ?? 9);
const kut = process.argv[3] ?? process.env.KUT_DIR;
if (!existsSync(join(repo, 'dist', 'cli', 'main.js'))) {
  console.error('startup.mjs: dist/ is missing: run npm run build first');
  process.exit(2);
}

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

function measure(label, argv) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(once(argv));
  return {
    label,
    wall: median(samples.map((s) => s.wall)),
    cpu: median(samples.map((s) => s.cpu)),
    status: samples[0]?.status,
  };
}

try {
  const floor = measure('node -e 0', [process.execPath, '-e', '0']);
  const rows = commands.map((args) => measure(`vmunit ${args.join(' ')}`, [process.execPath, bin, ...args]));
  const width = Math.max(...rows.map((r) => r.label.length), floor.label.length);
  console.log(
    `start-up, median of ${runs} runs (wall / CPU ms); load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
  );
  const line = (r) =>
    `${r.label.padEnd(width)}  ${r.wall.toFixed(0).padStart(5)} / ${r.cpu.toFixed(0).padStart(4)}` +
    (r === floor
      ? ''
      : `   (+${(r.wall - floor.wall).toFixed(0)} / +${(r.cpu - floor.cpu).toFixed(0)} over node)`) +
    (r.status !== 0 && r !== floor ? `   exit ${r.status}` : '');
  console.log(line(floor));
  for (const r of rows) console.log(line(r));
  const worst = rows.reduce((a, b) => (b.wall > a.wall ? b : a));
  console.log(`slowest: ${worst.label} ${worst.wall.toFixed(0)} ms (goal < 150 ms on a quiet machine)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
