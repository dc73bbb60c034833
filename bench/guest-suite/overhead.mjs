#!/usr/bin/env node
// vmunit run's own cost around real QEMUs, beside run_tests.sh's and beside a bare Node spawn of the same
// command lines, measured from outside the harnesses:
//
//   node bench/guest-suite/overhead.mjs KUT_DIR [RUNS] [--against OTHER_CHECKOUT]   (SKIP_RUN_TESTS=1: vmunit only)
//
// The harnesses run the same quick x86 tests (TESTS="a b …" to choose) one at a time (-j 1) under TCG, with
// QEMU= naming a small bash wrapper that stamps the time ($EPOCHREALTIME) and its parent's CPU time (the
// sum of /proc/PARENT/task/*/schedstat: nanoseconds, every thread, read with bash builtins, no fork) just
// before it runs the real qemu-system-x86_64 for a test, and the time just after that QEMU exits; probes
// (no -kernel) and run_tests.sh's premature-failure run are passed through unstamped, so they count as
// harness time. From the stamps:
// - first QEMU: the first test's start stamp minus the moment this script spawned the harness (so node's
//   own start is included), and for the Node harnesses the CPU time their process had used by then;
// - per-test overhead: (harness wall time - the sum of QEMU's own start-to-exit times) / tests;
// - between tests: the mean gap from one QEMU's exit stamp to the next one's start stamp;
// - CPU per test: the CPU time the harness's process used from the first QEMU's start to the last one's,
//   per test (its work while a QEMU runs included: output, logs, QMP). Unlike the wall figures it does not
//   grow with the host's load, so it is the one to read on a shared machine. In brackets, the main thread's
//   share: the rest is V8's background threads (optimising compiles of the per-line code, concurrent GC)
//   and libuv's thread pool, which a harness that only spawns hardly uses.
// `bare spawn` (bare-spawn.mjs) replays the command lines vmunit gave the wrapper with vmunit's spawn
// options and nothing else: its CPU per test is the fork/exec floor of a Node harness on this host, and
// what vmunit adds is the difference.
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
import { envWithoutCerts } from '../child-time.mjs';

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
cpu=0
for task in /proc/$PPID/task/*/schedstat; do read -r ns _ < "$task" && cpu=$(( cpu + ns )); done
read -r main _ < /proc/$PPID/task/$PPID/schedstat
echo "start $EPOCHREALTIME $cpu $main" >> '${stamps}'
[ -z "$BENCH_ARGV" ] || printf '%s\\0' "$0" "$@" $'\\x01end' >> "$BENCH_ARGV"
'${qemu}' "$@"
rc=$?
echo "end $EPOCHREALTIME" >> '${stamps}'
exit $rc
`,
);
chmodSync(wrapper, 0o755);
const replay = join(work, 'argv');
const env = { ...process.env, ACCEL: 'tcg', QEMU: wrapper, VMUNIT_CACHE_DIR: join(work, 'cache') };

// SKIP_RUN_TESTS=1 leaves run_tests.sh out (its rounds take most of the time) when only vmunit is compared.
const harnesses = [
  { label: 'vmunit', argv: (r) => vmunit(repo, r) },
  ...(against ? [{ label: 'vmunit (against)', argv: (r) => vmunit(against, r) }] : []),
  { label: 'vmunit --wait-timeouts', argv: (r) => [...vmunit(repo, r), '--wait-timeouts'] },
  {
    label: 'bare spawn',
    argv: () => [process.execPath, join(repo, 'bench/guest-suite/bare-spawn.mjs'), replay],
  },
  ...(process.env.SKIP_RUN_TESTS === '1'
    ? []
    : [{ label: 'run_tests.sh', argv: () => ['./run_tests.sh', ...tests], cwd: kut }]),
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
function once(h, round, record = {}) {
  rmSync(stamps, { force: true });
  const [file, ...rest] = h.argv(join(work, `results-${round}`));
  const spawned = Date.now() / 1000;
  const r = spawnSync(file, rest, { cwd: h.cwd ?? kut, env: { ...env, ...record }, stdio: 'ignore' });
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
  const mainSpan = (starts.at(-1)?.[2] ?? 0) - (starts[0]?.[2] ?? 0);
  return {
    firstMs: ((starts[0]?.[0] ?? spawned) - spawned) * 1000,
    firstCpuMs: (starts[0]?.[1] ?? 0) / 1e6,
    perTestMs: ((wall - qemuTime) * 1000) / tests.length,
    betweenMs: (gaps.reduce((a, b) => a + b, 0) * 1000) / Math.max(gaps.length, 1),
    cpuPerTestMs: cpuSpan / 1e6 / Math.max(gaps.length, 1),
    mainPerTestMs: mainSpan / 1e6 / Math.max(gaps.length, 1),
    qemuS: qemuTime,
    wallS: wall,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  // Warms the probe cache and records the command lines the bare spawn replays (without the QMP monitor,
  // whose socket would be gone by then).
  once({ label: 'warm-up', argv: (r) => [...vmunit(repo, r), '--wait-timeouts'] }, 'warm', {
    BENCH_ARGV: replay,
  });
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const samples = harnesses.map(() => []);
  const floor = [];
  // NODE_EXTRA_CA_CERTS's cost (child-time.mjs) is the host's: printed apart so that it is not read as vmunit's.
  const certs = process.env.NODE_EXTRA_CA_CERTS;
  const noCerts = envWithoutCerts();
  const bareFloor = [];
  const nodeStart = (list, spawnEnv) => {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env: spawnEnv });
    list.push(performance.now() - t);
  };
  for (let i = 0; i < rounds; i++) {
    for (const [j, h] of harnesses.entries()) samples[j].push(once(h, i));
    nodeStart(floor, process.env);
    if (certs) nodeStart(bareFloor, noCerts);
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(
    `== ${tests.length} tests at -j 1 under TCG, median of ${rounds} rounds; load average ${loadBefore} before, ${load} after`,
  );
  const withoutCerts = certs ? ` (without NODE_EXTRA_CA_CERTS: ${median(bareFloor).toFixed(0)} ms)` : '';
  console.log(`tests: ${tests.join(' ')}; node -e 0: ${median(floor).toFixed(0)} ms${withoutCerts}`);
  console.log(
    'harness                    first QEMU (ms after spawn / CPU ms)   overhead per test   between tests   CPU per test (main thread)   QEMU time   wall',
  );
  const cpuOf = (label, key = 'cpuPerTestMs') =>
    median(samples[harnesses.findIndex((h) => h.label === label)].map((s) => s[key]));
  for (const [j, h] of harnesses.entries()) {
    const m = (k) => median(samples[j].map((s) => s[k]));
    const ours = h.label !== 'run_tests.sh';
    const cpu = ours ? `${m('firstCpuMs').toFixed(0)}` : '-';
    const perTestCpu = ours ? `${m('cpuPerTestMs').toFixed(1)} ms (${m('mainPerTestMs').toFixed(1)})` : '-';
    console.log(
      `${h.label.padEnd(26)} ${m('firstMs').toFixed(0).padStart(10)} / ${cpu.padStart(4)}` +
        `${`${m('perTestMs').toFixed(1)} ms`.padStart(32)}${`${m('betweenMs').toFixed(1)} ms`.padStart(16)}` +
        `${perTestCpu.padStart(22)}` +
        `${`${m('qemuS').toFixed(2)} s`.padStart(12)}${`${m('wallS').toFixed(2)} s`.padStart(9)}`,
    );
  }
  // The two goals of issue 16, each beside its figure. What vmunit adds is its CPU per test minus the bare
  // spawn's (the fork/exec floor of a Node harness with vmunit's spawn options).
  const floorCpu = cpuOf('bare spawn');
  const adds = (label) => cpuOf(label) - floorCpu;
  const verdict = (value, goal) => (value < goal ? 'met' : 'NOT met');
  const first = median(samples[0].map((s) => s.firstMs));
  console.log(
    `vmunit adds ${adds('vmunit').toFixed(1)} ms CPU per test above a bare spawn of the same command lines ` +
      `(${floorCpu.toFixed(1)} ms): goal < 5 ms, ${verdict(adds('vmunit'), 5)}` +
      `; its main thread adds ${(cpuOf('vmunit', 'mainPerTestMs') - cpuOf('bare spawn', 'mainPerTestMs')).toFixed(1)} ms` +
      ` (--wait-timeouts: ${adds('vmunit --wait-timeouts').toFixed(1)} ms` +
      `${against ? `; against: ${adds('vmunit (against)').toFixed(1)} ms` : ''})`,
  );
  console.log(`first QEMU ${first.toFixed(0)} ms after start: goal < 150 ms, ${verdict(first, 150)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
