// The bench's KUnit log generator: printk time stamps, 100-case suites, a failing case every 1000 with
// diagnostics before it (1M cases ≈ 35 MB). `writeLog(path, n, repeatToBytes)` stops once past that size.
import { createWriteStream } from 'node:fs';

/** KUnit output for `n` cases in suites of 100, as a list of lines (one suite at a time). */
export function* kunitLog(n) {
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

export async function writeLog(path, n, repeatToBytes = 0) {
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
