#!/usr/bin/env node
// Benchmark: `vmunit parse` (console, --json, --junit) against `python3 kunit.py parse` (Linux 6.12) and
// against the scan floor (scan-floor.mjs: read, split, one regex per line), all on one generated KUnit log
// in the same run, plus `--failed` (which keeps only the failed tests) and peak RSS on a big log with
// --all-blocks. Prints each figure, the ratios and the goals of issue 16.
//
//   KUNIT_PY=.../tools/testing/kunit/kunit.py node bench/parse/run.mjs \
//     [--cases N] [--memory-gb G] [--repeat R] [--base OTHER_CHECKOUT]
//
// CPU time (user + system) is compared, the median of R runs for vmunit and the floor (runs interleaved, so
// load from other work on the host falls on all of them alike), the median of up to three runs of kunit.py
// (about half a minute each on 1M cases). --base times another built checkout's bin/vmunit.js beside this
// one (before/after a change). --memory-gb 0 skips the big log. Needs `npm run build` first. Without
// KUNIT_PY (or --kunit) kunit.py is left out. Each command's stdout goes to a file, as a CI log would.
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeChild } from '../child-time.mjs';
import { writeLog } from './kunit-log.mjs';

const args = process.argv.slice(2);
const OPTIONS = new Set(['--cases', '--kunit', '--memory-gb', '--repeat', '--base']);
// A mistyped option would otherwise start the full bench (minutes) with the defaults.
const unknown = args.find((a, i) => !OPTIONS.has(a) && !OPTIONS.has(args[i - 1] ?? ''));
if (unknown !== undefined) {
  if (unknown !== '--help' && unknown !== '-h') console.error(`bench/parse: unknown argument '${unknown}'`);
  console.error(
    'usage: node bench/parse/run.mjs [--cases N] [--memory-gb G] [--repeat R] [--kunit KUNIT_PY] [--base CHECKOUT]',
  );
  process.exit(unknown === '--help' || unknown === '-h' ? 0 : 2);
}
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const cases = Number(opt('--cases', '1000000'));
const kunitPy = opt('--kunit', process.env.KUNIT_PY);
const memoryGb = Number(opt('--memory-gb', '1'));
const repeat = Number(opt('--repeat', '5'));
const base = opt('--base', undefined);
const here = dirname(fileURLToPath(import.meta.url));
const vmunit = join(here, '..', '..', 'bin', 'vmunit.js');
const floor = join(here, 'scan-floor.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'vmunit-bench-'));

/**
 * One timed run (../child-time.mjs), in seconds and MB; with `summary`, stdout goes to a file (as a user's
 * log would) and its last `Testing complete.` line is kept.
 */
function timeRun(argv, summary = true) {
  const out = join(tmp, 'stdout.txt');
  const r = timeChild(argv, summary ? { stdoutFile: out } : {});
  return {
    wall: r.wallMs / 1000,
    cpu: r.cpuMs / 1000,
    rssMb: r.rssKb / 1024,
    status: r.status,
    summary: summary ? lastSummary(out) : '',
  };
}

/** The last `Testing complete.` line of a report file, without its time stamp. */
function lastSummary(file) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 1 << 16));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const lines = tail
      .toString('utf8')
      .split('\n')
      .filter((l) => l.includes('Testing complete.'));
    return (lines.at(-1) ?? '').replace(/^\[\d\d:\d\d:\d\d\] /, '');
  } finally {
    closeSync(fd);
  }
}

const show = (r) =>
  `cpu ${r.cpu.toFixed(3)} s, wall ${r.wall.toFixed(3)} s, peak RSS ${r.rssMb.toFixed(0)} MB`;
/** The run with the median CPU time. */
const median = (runs) => [...runs].sort((a, b) => a.cpu - b.cpu)[Math.floor(runs.length / 2)];
const goal = (ok) => (ok ? 'met' : 'NOT met');

const log = join(tmp, 'kunit.log');
await writeLog(log, cases);
console.log(
  `log: ${cases} cases, ${(statSync(log).size / 1e6).toFixed(1)} MB; CPU time, median of ${repeat}`,
);

// Every command of one round runs before the next round starts: a load spike on the host then falls on
// all of them, not on one figure.
const commands = [];
for (const [label, bin] of [
  ['vmunit', vmunit],
  ...(base ? [['base', join(base, 'bin', 'vmunit.js')]] : []),
]) {
  commands.push([label, 'console', [bin, 'parse', log]]);
  commands.push([label, 'json', [bin, 'parse', `--json=${join(tmp, 'r.json')}`, log]]);
  commands.push([label, 'junit', [bin, 'parse', `--junit=${join(tmp, 'r.xml')}`, log]]);
  commands.push([label, 'failed', [bin, 'parse', '--failed', log]]);
}
commands.push(['floor', 'scan', [floor, log]]);
const samples = new Map(commands.map(([label, kind]) => [`${label} ${kind}`, []]));
for (let round = 0; round < repeat; round++) {
  for (const [label, kind, argv] of commands)
    samples.get(`${label} ${kind}`).push(timeRun([process.execPath, ...argv]));
}
const runs = {};
for (const [label, kind] of commands) {
  runs[label] ??= {};
  runs[label][kind] = median(samples.get(`${label} ${kind}`));
}
for (const label of Object.keys(runs).filter((l) => l !== 'floor')) {
  const r = runs[label];
  console.log(`${label} parse:          ${show(r.console)}  (${r.console.summary})`);
  console.log(
    `${label} parse --json:   ${show(r.json)}  (${(r.json.cpu / r.console.cpu).toFixed(2)}x console)`,
  );
  console.log(
    `${label} parse --junit:  ${show(r.junit)}  (${(r.junit.cpu / r.console.cpu).toFixed(2)}x console)`,
  );
  console.log(`${label} parse --failed: ${show(r.failed)}  (${r.failed.summary})`);
}
const scan = runs.floor.scan;
console.log(`scan floor:            ${show(scan)}`);
const mine = runs.vmunit;
if (base) {
  const b = runs.base;
  const r = (k) => (b[k].cpu / mine[k].cpu).toFixed(2);
  console.log(
    `vs base: console ${r('console')}x, --json ${r('json')}x, --junit ${r('junit')}x, --failed ${r('failed')}x faster`,
  );
}
console.log(
  `console / floor: ${(mine.console.cpu / scan.cpu).toFixed(1)}x (goal <= 3: ${goal(mine.console.cpu <= 3 * scan.cpu)})`,
);
for (const k of ['json', 'junit']) {
  const ratio = mine[k].cpu / mine.console.cpu;
  console.log(`--${k} / console: ${ratio.toFixed(2)}x (goal <= 1.5: ${goal(ratio <= 1.5)})`);
}
if (kunitPy && existsSync(kunitPy)) {
  // kunit.py's CPU time for the same log varied from 27 to 37 s between runs on a quiet host here: the
  // ratio uses the median of up to three runs, and prints the range.
  const refRuns = Array.from({ length: Math.min(repeat, 3) }, () =>
    timeRun(['python3', kunitPy, 'parse', log]),
  );
  const ref = median(refRuns);
  const cpus = refRuns.map((r) => r.cpu).sort((a, b) => a - b);
  const range = `${cpus[0]?.toFixed(1)}-${cpus[cpus.length - 1]?.toFixed(1)} s over ${cpus.length} runs`;
  console.log(`kunit.py parse:        ${show(ref)}  (${ref.summary}; CPU ${range})`);
  console.log(`summary lines ${ref.summary === mine.console.summary ? 'identical' : 'DIFFER'}`);
  const ratio = ref.cpu / mine.console.cpu;
  console.log(`kunit.py / console: ${ratio.toFixed(1)}x (goal >= 40: ${goal(ratio >= 40)})`);
} else console.log('kunit.py: set KUNIT_PY (or --kunit) to its kunit.py for the reference figure');

if (memoryGb > 0) {
  const big = join(tmp, 'big.log');
  const target = memoryGb * 1e9;
  // Enough cases (about 35 bytes each) to pass the target size, where writing stops.
  await writeLog(big, Math.ceil(target / 30), target);
  const run = timeRun([process.execPath, vmunit, 'parse', '--all-blocks', big], false);
  const ok = run.rssMb <= 150;
  console.log(
    `memory: ${(statSync(big).size / 1e9).toFixed(2)} GB log, --all-blocks: ${show(run)}, exit ${run.status} (goal <= 150 MB: ${goal(ok)})`,
  );
}
rmSync(tmp, { recursive: true, force: true });
