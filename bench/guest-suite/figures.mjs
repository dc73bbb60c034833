#!/usr/bin/env node
// The per-test half of compare.sh: reads what the side-by-side run left in its folder and prints
//   - one row per test: run_tests.sh's verdict and time, vmunit's verdict, time and firmware, and (when
//     compare.sh made a SeaBIOS run of the tests `auto` booted otherwise) vmunit's time under SeaBIOS;
//   - the verdict comparison: identical lines, reasons that differ because vmunit ended a dead guest at
//     once (the record's `dead_guest` attribute, run_tests.sh waiting for its timeout), and the rest;
//   - the firmware figure of issue 16: the tests that finish (no timeout) under both firmwares, their time
//     with SeaBIOS and with the firmware `auto` chose, and the ratio (goal <= 0.4).
// Exit status 0 when verdicts are identical and every reason difference is a dead guest ended early.
//
//   node bench/guest-suite/figures.mjs OUT_DIR
//
// OUT_DIR holds ref.txt and vm.txt (sorted result lines), ref-logs/ (run_tests.sh's unittest_log_dir),
// vmunit-logs/record.json and, optionally, vmunit-seabios/record.json.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (out === undefined) {
  console.error('usage: figures.mjs OUT_DIR');
  process.exit(2);
}

/** `PASS name (reason)` lines by test name. */
function results(file) {
  const map = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(PASS|FAIL|SKIP) (\S+) ?(.*)$/.exec(line);
    if (m) map.set(m[2], { verdict: m[1], text: m[3], line });
  }
  return map;
}

/** A record's tests by name (undefined when the run did not happen). */
function record(file) {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return new Map(r.tests.map((t) => [t.name, t]));
}

/**
 * run_tests.sh prints no time per test; its log file is created when the test's run script starts (after
 * the premature-failure probe; x86/run's own QEMU probes and the guest's boot fall inside) and last written
 * when QEMU's output ends: the test's time under run_tests.sh, less the probe and the result line.
 */
function refMs(name) {
  const file = join(out, 'ref-logs', `${name}.log`);
  if (!existsSync(file)) return undefined;
  const st = statSync(file);
  return st.birthtimeMs > 0 ? st.mtimeMs - st.birthtimeMs : undefined;
}

const ref = results(join(out, 'ref.txt'));
const vm = results(join(out, 'vm.txt'));
const vmRec = record(join(out, 'vmunit-logs', 'record.json')) ?? new Map();
const seabios = record(join(out, 'vmunit-seabios', 'record.json'));
const names = [...new Set([...ref.keys(), ...vm.keys()])].sort();

const timedOut = (t) => t?.directive?.kind === 'TIMEOUT';
const secs = (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(1));
const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);

/** Why one test's two lines differ: undefined when they are the same. */
function difference(r, v, t) {
  if (r?.line === v?.line) return undefined;
  if (r === undefined || v === undefined) return 'only in one tool';
  if (r.verdict !== v.verdict) {
    // Under load run_tests.sh's slower start can push a long test over its cfg timeout: say so, still fail.
    return /\btimeout\b/.test(r.text) && !timedOut(t) ? 'VERDICT; only run_tests.sh timed out' : 'VERDICT';
  }
  const dead = t?.attributes?.dead_guest;
  if (dead !== undefined && /\btimeout\b/.test(r.text)) return `dead guest ended early (${dead})`;
  return 'reason';
}

const rows = names.map((name) => {
  const r = ref.get(name);
  const v = vm.get(name);
  const t = vmRec.get(name);
  return { name, r, v, t, s: seabios?.get(name), diff: difference(r, v, t), refMs: refMs(name) };
});

console.log(
  '== per test (s; run_tests.sh: its log file from creation to last write, its run script included; ' +
    'vmunit: QEMU spawn to exit)',
);
const w = Math.max(4, ...names.map((n) => n.length));
console.log(
  `${pad('test', w)}  ${pad('run_tests.sh', 12)} ${padL('s', 6)}  ${pad('vmunit', 6)} ${padL('s', 6)}  ${pad('firmware', 8)}` +
    `${seabios ? `  ${padL('seabios s', 9)}` : ''}  difference`,
);
for (const { name, r, v, t, s, diff, refMs: rm } of rows) {
  const sb = seabios
    ? `  ${padL(s === undefined ? '-' : `${secs(s.durationMs)}${timedOut(s) ? 'T' : ''}`, 9)}`
    : '';
  console.log(
    `${pad(name, w)}  ${pad(r?.verdict ?? '-', 12)} ${padL(secs(rm), 6)}  ${pad(v?.verdict ?? '-', 6)} ` +
      `${padL(t === undefined ? '-' : `${secs(t.durationMs)}${timedOut(t) ? 'T' : ''}`, 6)}  ` +
      `${pad(t?.attributes?.firmware ?? '-', 8)}${sb}  ${diff ?? ''}`.trimEnd(),
  );
}
console.log('(T: ended by its timeout)');

const differing = rows.filter((x) => x.diff !== undefined);
const early = differing.filter((x) => x.diff.startsWith('dead guest'));
const unexplained = differing.filter((x) => !x.diff.startsWith('dead guest'));
const verdicts = rows.filter((x) => x.r !== undefined && x.v !== undefined && x.r.verdict === x.v.verdict);
console.log();
console.log(`verdicts identical:        ${verdicts.length}/${rows.length}`);
console.log(`lines identical:           ${rows.length - differing.length}/${rows.length}`);
console.log(
  `dead guest ended early:    ${early.length}${early.length ? ` (${early.map((x) => x.name).join(', ')})` : ''}`,
);
for (const x of unexplained) {
  console.log(`DIFFERENT (${x.diff}): ${x.name}`);
  console.log(`  run_tests.sh: ${x.r?.line ?? '(absent)'}`);
  console.log(`  vmunit:       ${x.v?.line ?? '(absent)'}`);
}

if (seabios !== undefined) {
  // The tests `auto` booted with another firmware that end by themselves under both (a timeout measures
  // the cfg, not the boot).
  const both = rows.filter(
    (x) =>
      x.s !== undefined &&
      x.t !== undefined &&
      x.t.attributes?.firmware !== 'seabios' &&
      !timedOut(x.s) &&
      !timedOut(x.t) &&
      x.t.verdict !== 'SKIP',
  );
  const sum = (f) => both.reduce((a, x) => a + f(x), 0);
  const sb = sum((x) => x.s.durationMs);
  const fw = sum((x) => x.t.durationMs);
  const changed = rows.filter((x) => x.s !== undefined && x.t !== undefined && x.s.verdict !== x.t.verdict);
  console.log(
    `firmware: ${both.length} tests finish under both: SeaBIOS ${secs(sb)} s, auto ${secs(fw)} s = ` +
      `${sb > 0 ? (fw / sb).toFixed(2) : '-'}x (goal <= 0.4)`,
  );
  console.log(
    `firmware: verdicts that differ between SeaBIOS and auto: ${changed.length}` +
      `${changed.length ? ` (${changed.map((x) => x.name).join(', ')})` : ''}`,
  );
}
process.exitCode = unexplained.length === 0 ? 0 : 1;
