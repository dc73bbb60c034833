// Benchmark: vmunit's unit library against node:test on the same trivial tests.
// Generates SUITES files of CASES cases each into a temporary folder, twice (a *.kunit.js file for
// `vmunit test`, a *.test.mjs file for `node --test`), runs both in one invocation each, and prints the
// wall times and the ratio. Both isolate per file: node --test spawns a process per file, vmunit a host per
// suite (worker thread by default, child process with --backend process). Per-case isolation is measured
// on a subset and reported as a cost per case. Needs a build: npm run build && node bench/unit/run.mjs
//
// Environment: BENCH_SUITES (100), BENCH_CASES (100), BENCH_REPS (3; the best of the runs is kept),
// BENCH_PER_CASE_SUITES (2: suites of the subset run with --isolation case).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const bin = join(root, 'bin/vmunit.js');
const lib = join(root, 'dist/unit/index.js');
if (!existsSync(lib)) {
  console.error('bench/unit: dist/ is missing, run `npm run build` first');
  process.exit(2);
}

const SUITES = Number(process.env.BENCH_SUITES ?? 100);
const CASES = Number(process.env.BENCH_CASES ?? 100);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PER_CASE_SUITES = Number(process.env.BENCH_PER_CASE_SUITES ?? 2);
// node --test runs files with concurrency availableParallelism() - 1 (at least 1); vmunit gets the same -j.
const JOBS = Math.max(1, availableParallelism() - 1);

function generate(dir) {
  const kunit = join(dir, 'kunit');
  const nodeTest = join(dir, 'node-test');
  mkdirSync(kunit);
  mkdirSync(nodeTest);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  for (let s = 0; s < SUITES; s++) {
    const cases = [];
    const its = [];
    for (let c = 0; c < CASES; c++) {
      cases.push(`    function case_${c}(t) {\n      t.expect.eq(1 + ${c}, ${1 + c});\n    },`);
      its.push(`  it('case_${c}', () => {\n    assert.equal(1 + ${c}, ${1 + c});\n  });`);
    }
    writeFileSync(
      join(kunit, `suite_${s}.kunit.js`),
      `import { defineSuite } from ${JSON.stringify(pathToFileURL(lib).href)};\n\n` +
        `defineSuite({\n  name: 'suite_${s}',\n  cases: [\n${cases.join('\n')}\n  ],\n});\n`,
    );
    writeFileSync(
      join(nodeTest, `suite_${s}.test.mjs`),
      `import assert from 'node:assert/strict';\nimport { describe, it } from 'node:test';\n\n` +
        `describe('suite_${s}', () => {\n${its.join('\n')}\n});\n`,
    );
  }
  return { kunit, nodeTest };
}

/** Runs a command REPS times; returns the best wall time in ms. Fails loudly if the tests did not pass. */
function best(label, args, cwd) {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPS; r++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) {
      console.error(`${label}: exit ${run.status}\n${run.stderr.slice(0, 2000)}`);
      process.exit(1);
    }
    min = Math.min(min, ms);
  }
  return min;
}

const files = (dir, suffix, count) =>
  Array.from({ length: count }, (_, s) => join(dir, `suite_${s}${suffix}`));

const dir = mkdtempSync(join(tmpdir(), 'vmunit-bench-unit-'));
try {
  const { kunit, nodeTest } = generate(dir);
  const total = SUITES * CASES;
  console.log(`bench/unit: ${total} trivial cases in ${SUITES} suites, best of ${REPS}, -j${JOBS}`);
  const node = best(
    'node --test',
    ['--test', '--test-reporter=dot', ...files(nodeTest, '.test.mjs', SUITES)],
    dir,
  );
  const worker = best('vmunit worker', [bin, 'test', kunit, '--jobs', String(JOBS), '--format', 'ktap'], dir);
  const child = best(
    'vmunit process',
    [bin, 'test', kunit, '--jobs', String(JOBS), '--backend', 'process'],
    dir,
  );
  const subset = files(kunit, '.kunit.js', Math.min(PER_CASE_SUITES, SUITES));
  const perCase = best(
    'vmunit per-case',
    [bin, 'test', ...subset, '--jobs', String(JOBS), '--isolation', 'case'],
    dir,
  );
  const subsetCases = subset.length * CASES;
  const row = (name, ms) =>
    console.log(
      `${name.padEnd(40)} ${(ms / 1000).toFixed(2).padStart(8)} s   ${(ms / total).toFixed(3)} ms/case`,
    );
  row('node --test (process per file)', node);
  row('vmunit test --isolation suite (worker)', worker);
  row('vmunit test --isolation suite (process)', child);
  console.log(`ratio vmunit(worker)/node:test  ${(worker / node).toFixed(2)}  (< 1 means vmunit is faster)`);
  console.log(`ratio vmunit(process)/node:test ${(child / node).toFixed(2)}`);
  console.log(
    `vmunit --isolation case: ${subsetCases} cases in ${(perCase / 1000).toFixed(2)} s = ${(perCase / subsetCases).toFixed(1)} ms/case`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
