#!/usr/bin/env node
// Benchmark: `vmunit parse` against `python3 kunit.py parse` (Linux 6.12) on one generated KUnit log.
//
//   node bench/parse/run.mjs [--cases N] [--kunit PATH/kunit.py] [--memory-gb G]
//
// Generates a KUnit-style kernel log (printk time stamps, 100-case suites, a failing case every 1000,
// diagnostics before failures; 100k cases ≈ 5.5 MB by default), times both tools on it (stdout to
// /dev/null; vmunit best of 3, kunit.py once), checks that both print the same summary line, and prints the
// ratio. With --memory-gb G it also streams a G-GB log through `vmunit parse` and prints the peak RSS.
// Needs `npm run build` first. kunit.py defaults to /work/scratch/linux-source-6.12/tools/testing/kunit.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const cases = Number(opt('--cases', '100000'));
const kunitPy = opt('--kunit', '/work/scratch/linux-source-6.12/tools/testing/kunit/kunit.py');
const memoryGb = Number(opt('--memory-gb', '0'));
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vmunit = join(root, 'bin', 'vmunit.js');
const tmp = mkdtempSync(join(tmpdir(), 'vmunit-bench-'));

/** KUnit output for `n` cases in suites of 100, as a list of lines (one suite at a time). */
function* kunitLog(n) {
  const suites = Math.ceil(n / 100);
  let t = 0;
  const ts = () => `[${(1 + (t++ % 900000) / 1e6).toFixed(6).padStart(12)}] `;
  yield `${ts()}KTAP version 1`;
  yield `${ts()}1..${suites}`;
  let left = n;
  for (let s = 1; s <= suites; s++) {
    const count = Math.min(100, left);
    left -= count;
    let failed = false;
    const out = [
      `    KTAP version 1`,
      `    # Subtest: suite_${s}`,
      `    # module: bench_${s}`,
      `    1..${count}`,
    ];
    for (let c = 1; c <= count; c++) {
      const fail = ((s - 1) * 100 + c) % 1000 === 0;
      if (fail) {
        failed = true;
        out.push(`    # case_${c}: EXPECTATION FAILED at lib/bench.c:${c}`, `    Expected 1 == 2, but`);
      }
      out.push(`    ${fail ? 'not ok' : 'ok'} ${c} case_${c}`);
    }
    out.push(`# suite_${s}: pass:${count - (failed ? 1 : 0)} fail:${failed ? 1 : 0} skip:0 total:${count}`);
    out.push(`${failed ? 'not ok' : 'ok'} ${s} suite_${s}`);
    for (const line of out) yield ts() + line;
  }
}

async function writeLog(path, n, repeatToBytes = 0) {
  const stream = createWriteStream(path);
  const write = (s) => (stream.write(s) ? undefined : new Promise((r) => stream.once('drain', r)));
  let bytes = 0;
  let chunk = '';
  for (const line of kunitLog(n)) {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 16) {
      bytes += chunk.length;
      await write(chunk);
      chunk = '';
      if (repeatToBytes && bytes > repeatToBytes) break;
    }
  }
  await write(chunk);
  await new Promise((r) => stream.end(r));
}

// CPU time and peak RSS of a child come from Python's getrusage(RUSAGE_CHILDREN): Node has no such API,
// and on a loaded machine wall time alone says little.
const RUSAGE = `import resource, subprocess, sys, time
t = time.time()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE)
wall = time.time() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
lines = [l for l in p.stdout.decode('utf-8', 'replace').splitlines() if 'Testing complete.' in l]
print(wall, r.ru_utime + r.ru_stime, r.ru_maxrss, p.returncode)
print(lines[-1] if lines else '')`;

function timeRun(cmd, argv, discard = false) {
  // discard: send the child's stdout to /dev/null (huge outputs), no summary line then.
  const script = discard
    ? RUSAGE.replace('stdout=subprocess.PIPE', 'stdout=subprocess.DEVNULL').replace(
        "p.stdout.decode('utf-8', 'replace')",
        "''",
      )
    : RUSAGE;
  const run = spawnSync('python3', ['-c', script, cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const [numbers = '', summary = ''] = (run.stdout ?? '').split('\n');
  const [wall, cpu, rssKb, status] = numbers.split(' ').map(Number);
  return { wall, cpu, rssMb: rssKb / 1024, status, summary: summary.replace(/^\[\d\d:\d\d:\d\d\] /, '') };
}

const show = (r) =>
  `cpu ${r.cpu.toFixed(3)} s, wall ${r.wall.toFixed(3)} s, peak RSS ${r.rssMb.toFixed(0)} MB`;

const log = join(tmp, 'kunit.log');
await writeLog(log, cases);
console.log(`log: ${cases} cases, ${(statSync(log).size / 1e6).toFixed(1)} MB`);

const runs = [0, 1, 2].map(() => timeRun(process.execPath, [vmunit, 'parse', log]));
const best = runs.reduce((a, b) => (a.cpu < b.cpu ? a : b));
const startup = [0, 1, 2]
  .map(() => timeRun(process.execPath, [vmunit, '--version']))
  .reduce((a, b) => (a.cpu < b.cpu ? a : b));
console.log(`vmunit parse:   ${show(best)}  (${best.summary})`);
console.log(`  of which \`vmunit --version\` start-up: cpu ${startup.cpu.toFixed(3)} s`);
if (existsSync(kunitPy)) {
  const ref = timeRun('python3', [kunitPy, 'parse', log]);
  console.log(`kunit.py parse: ${show(ref)}  (${ref.summary})`);
  console.log(`summary lines ${ref.summary === best.summary ? 'identical' : 'DIFFER'}`);
  console.log(
    `ratio: vmunit is ${(ref.cpu / best.cpu).toFixed(1)}x faster in CPU time, ${(ref.wall / best.wall).toFixed(1)}x in wall time`,
  );
} else console.log(`kunit.py not found at ${kunitPy}: no ratio`);

if (memoryGb > 0) {
  const big = join(tmp, 'big.log');
  const target = memoryGb * 1e9;
  // Enough cases (about 35 bytes each) to pass the target size, where writing stops.
  await writeLog(big, Math.ceil(target / 30), target);
  const run = timeRun(process.execPath, [vmunit, 'parse', big], true);
  console.log(`memory: ${(statSync(big).size / 1e9).toFixed(2)} GB log: ${show(run)}, exit ${run.status}`);
}
rmSync(tmp, { recursive: true, force: true });
