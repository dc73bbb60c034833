#!/usr/bin/env node
// vmunit run's own cost around real QEMUs, beside run_tests.sh's, measured from outside both harnesses:
//
//   node bench/guest-suite/overhead.mjs KUT_DIR [RUNS] [--against OTHER_CHECKOUT]
//
// Both harnesses run the same quick x86 tests (TESTS="a b …" to choose) one at a time (-j 1) under TCG, with
// QEMU= naming a small bash wrapper that stamps the time ($EPOCHREALTIME, no fork) just before it runs the
// real qemu-system-x86_64 for a test and just after that QEMU exits; probes (no -kernel) and run_tests.sh's
// premature-failure run are passed through unstamped, so they count as harness time. From the stamps:
// - first QEMU: the first test's start stamp minus the moment this script spawned the harness (so node's
//   own start is included), and for vmunit the CPU time its process had used by then (/proc/PID/stat);
// - per-test overhead: (harness wall time - the sum of QEMU's own start-to-exit times) / tests;
// - between tests: the mean gap from one QEMU's exit stamp to the next one's start stamp;
// - vmunit CPU per test: the CPU time vmunit's process used from the first QEMU's start to the last one's,
//   per test (its work while a QEMU runs included: output, logs, QMP). Unlike the wall figures it does not
//   grow with the host's load, so it is the one to read on a shared machine (10 ms clock ticks: rough).
// The wrapper's bash start and exit fall on the harness's side of the stamps: the figures are upper bounds.
// Runs of the harnesses take turns (RUNS rounds, medians), so they share the host's load. vmunit runs from
// the built CLI (npm run build first); its probe cache is warmed by one run first (goal: first QEMU < 150 ms
// after start on a warm cache, overhead < 5 ms per test). --wait-timeouts is measured too: it runs without
// the QMP monitor, so the difference is what watching for a dead guest costs per test.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const at = args.indexOf('--against');
const against = at < 0 ? undefined : resolve(args.splice(at, 2)[1] ?? '');
const kut = args[0] ? resolve(args[0]) : undefined;
const rounds = Number(args[1] ?? 5);
const tests = (process.env.TESTS ?? 'setjmp smptest vmexit_cpuid vmexit_mov_to_cr8 syscall tsc umip')
  .split(/\s+/)
  .filter(Boolean);
if (kut === undefined || !existsSync(join(kut, 'config.mak'))) {
  console.error('usage: overhead.mjs KUT_DIR [RUNS] [--against OTHER_CHECKOUT] (a configured, built tree)');
  process.exit(2);
}
for (const checkout of [repo, against]) {
  if (checkout !== undefined && !existsSync(join(checkout, 'dist', 'cli', 'main.js'))) {
    console.error(`overhead.mjs: ${checkout}/dist is missing: run npm run build there first`);
    process.exit(2);
  }
}
const qemu = (process.env.PATH ?? '')
  .split(delimiter)
  .map((d) => join(d, 'qemu-system-x86_64'))
  .find((p) => existsSync(p));
if (qemu === undefined) {
  console.error('overhead.mjs: qemu-system-x86_64 is not on PATH');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'vmunit-overhead-'));
const stamps = join(work, 'stamps');
const wrapper = join(work, 'qemu-system-x86_64');
writeFileSync(
  wrapper,
  `#!/bin/bash
case " $* " in *" -kernel "*) ;; *) exec '${qemu}' "$@" ;; esac
case " $* " in *_NO_FILE_4Uhere_*) exec '${qemu}' "$@" ;; esac
read -r -a stat < /proc/$PPID/stat
echo "start $EPOCHREALTIME $(( stat[13] + stat[14] ))" >> '${stamps}'
'${qemu}' "$@"
rc=$?
echo "end $EPOCHREALTIME" >> '${stamps}'
exit $rc
`,
);
chmodSync(wrapper, 0o755);
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const env = { ...process.env, ACCEL: 'tcg', QEMU: wrapper, VMUNIT_CACHE_DIR: join(work, 'cache') };

const harnesses = [
  { label: 'vmunit', argv: (r) => vmunit(repo, r) },
  ...(against ? [{ label: 'vmunit (against)', argv: (r) => vmunit(against, r) }] : []),
  { label: 'vmunit --wait-timeouts', argv: (r) => [...vmunit(repo, r), '--wait-timeouts'] },
  { label: 'run_tests.sh', argv: () => ['./run_tests.sh', ...tests], cwd: kut },
];

function vmunit(checkout, results) {
  return [
    process.execPath,
    join(checkout, 'bin', 'vmunit.js'),
    'run',
    '-C',
    kut,
    '--results',
    results,
    ...tests,
  ];
}

/** One run of a harness: wall time, QEMU's own times and the first start, all from the stamps. */
function once(h, round) {
  rmSync(stamps, { force: true });
  const [file, ...rest] = h.argv(join(work, `results-${round}`));
  const spawned = Date.now() / 1000;
  const r = spawnSync(file, rest, { cwd: h.cwd ?? work, env, stdio: 'ignore' });
  const wall = Date.now() / 1000 - spawned;
  if (r.error) throw r.error;
  const lines = existsSync(stamps) ? readFileSync(stamps, 'utf8').trim().split('\n') : [];
  const starts = lines.filter((l) => l.startsWith('start ')).map((l) => l.split(' ').slice(1).map(Number));
  const ends = lines.filter((l) => l.startsWith('end ')).map((l) => Number(l.split(' ')[1]));
  if (starts.length !== tests.length || ends.length !== tests.length)
    throw new Error(`${h.label}: ${starts.length} QEMU starts for ${tests.length} tests (exit ${r.status})`);
  const qemuTime = starts.reduce((s, [t], i) => s + ((ends[i] ?? t) - t), 0);
  const gaps = starts.slice(1).map(([t], i) => t - (ends[i] ?? t));
  const cpuSpan = (starts.at(-1)?.[1] ?? 0) - (starts[0]?.[1] ?? 0);
  return {
    firstMs: ((starts[0]?.[0] ?? spawned) - spawned) * 1000,
    firstCpuMs: ((starts[0]?.[1] ?? 0) * 1000) / ticks,
    perTestMs: ((wall - qemuTime) * 1000) / tests.length,
    betweenMs: (gaps.reduce((a, b) => a + b, 0) * 1000) / Math.max(gaps.length, 1),
    cpuPerTestMs: (cpuSpan * 1000) / ticks / Math.max(gaps.length, 1),
    qemuS: qemuTime,
    wallS: wall,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  once(harnesses[0], 'warm');
  const samples = harnesses.map(() => []);
  const floor = [];
  for (let i = 0; i < rounds; i++) {
    for (const [j, h] of harnesses.entries()) samples[j].push(once(h, i));
    const t = Date.now();
    spawnSync(process.execPath, ['-e', '0']);
    floor.push(Date.now() - t);
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(`== ${tests.length} tests at -j 1 under TCG, median of ${rounds} rounds; load average ${load}`);
  console.log(`tests: ${tests.join(' ')}; node -e 0: ${median(floor)} ms`);
  console.log(
    'harness                    first QEMU (ms after spawn / CPU ms)   overhead per test   between tests   CPU per test   QEMU time   wall',
  );
  for (const [j, h] of harnesses.entries()) {
    const m = (k) => median(samples[j].map((s) => s[k]));
    const ours = h.label.startsWith('vmunit');
    const cpu = ours ? `${m('firstCpuMs').toFixed(0)}` : '-';
    const perTestCpu = ours ? `${m('cpuPerTestMs').toFixed(1)} ms` : '-';
    console.log(
      `${h.label.padEnd(26)} ${m('firstMs').toFixed(0).padStart(10)} / ${cpu.padStart(4)}` +
        `${`${m('perTestMs').toFixed(1)} ms`.padStart(32)}${`${m('betweenMs').toFixed(1)} ms`.padStart(16)}` +
        `${perTestCpu.padStart(15)}` +
        `${`${m('qemuS').toFixed(2)} s`.padStart(12)}${`${m('wallS').toFixed(2)} s`.padStart(9)}`,
    );
  }
  console.log('goals (issue 16): first QEMU < 150 ms after start on a warm cache; overhead < 5 ms per test');
} finally {
  rmSync(work, { recursive: true, force: true });
}
