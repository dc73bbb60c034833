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
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

function timeRun(cmd, argv) {
  const start = process.hrtime.bigint();
  const run = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const summary =
    (run.stdout ?? '')
      .split('\n')
      .filter((l) => l.includes('Testing complete.'))
      .pop() ?? '';
  return { seconds, summary: summary.replace(/^\[\d\d:\d\d:\d\d\] /, ''), status: run.status };
}

const log = join(tmp, 'kunit.log');
await writeLog(log, cases);
console.log(`log: ${cases} cases, ${(statSync(log).size / 1e6).toFixed(1)} MB`);

const runs = [0, 1, 2].map(() => timeRun(process.execPath, [vmunit, 'parse', log]));
const best = runs.reduce((a, b) => (a.seconds < b.seconds ? a : b));
console.log(`vmunit parse:  ${best.seconds.toFixed(3)} s  (${best.summary})`);
if (existsSync(kunitPy)) {
  const ref = timeRun('python3', [kunitPy, 'parse', log]);
  console.log(`kunit.py parse: ${ref.seconds.toFixed(3)} s  (${ref.summary})`);
  console.log(`summary lines ${ref.summary === best.summary ? 'identical' : 'DIFFER'}`);
  console.log(`ratio: vmunit is ${(ref.seconds / best.seconds).toFixed(1)}x faster`);
} else console.log(`kunit.py not found at ${kunitPy}: no ratio`);

if (memoryGb > 0) {
  const big = join(tmp, 'big.log');
  const target = memoryGb * 1e9;
  // Enough cases that the log never repeats a suite number within the target size.
  await writeLog(big, Math.ceil(target / 45), target);
  const probe = `const {main}=await import(${JSON.stringify(join(root, 'dist', 'cli', 'main.js'))});
    const {Writable}=await import('node:stream');
    const sink=new Writable({write(c,e,cb){cb()}});
    const ctx={version:'bench',stdout:sink,stderr:process.stderr,stdin:process.stdin,env:{},cwd:process.cwd()};
    const code=await main(['parse',${JSON.stringify(big)}],ctx);
    console.log(JSON.stringify({code,maxRssKb:process.resourceUsage().maxRSS}));`;
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
  console.log(
    `memory: ${(statSync(big).size / 1e9).toFixed(2)} GB log parsed in ${seconds.toFixed(1)} s, ` +
      `peak RSS ${(result.maxRssKb / 1024).toFixed(0)} MB (exit ${result.code})`,
  );
}
rmSync(tmp, { recursive: true, force: true });
writeFileSync(1, '');
