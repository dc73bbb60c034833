// Runs the project's node:test suites (test/**/*.test.ts) through tsx. Node 20's --test takes no globs,
// so the files are listed here. Pass paths or substrings to run a subset: node scripts/run-tests.mjs ktap
// At the end it prints how many tests were skipped and why, so a skip cannot hide a check unnoticed
// (VMUNIT_REQUIRE=qemu,kut,kunit,chromium,dist turns those skips into failures: test/requirements.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** `# SKIP` lines of a TAP report, counted by reason. */
function skipsByReason(tap) {
  const reasons = new Map();
  for (const line of tap.split('\n')) {
    const m = /^\s*ok \d+ - (.*?) # SKIP ?(.*)$/.exec(line);
    if (!m) continue;
    const reason = m[2] === '' ? '(no reason given)' : m[2].replace(/\\#/g, '#');
    reasons.set(reason, [...(reasons.get(reason) ?? []), m[1]]);
  }
  return reasons;
}

const filters = process.argv.slice(2);
const files = walk('test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'vmunit-run-tests-'));
const tapFile = join(dir, 'report.tap');
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
reporters.push('--test-reporter=tap', `--test-reporter-destination=${tapFile}`);
// The QEMU probe cache of the runs the tests make goes to this run's own folder, not the user's
// ~/.cache/vmunit (each fake QEMU a test writes would leave a file there); a caller's choice wins.
const env = { VMUNIT_CACHE_DIR: join(dir, 'cache'), ...process.env };
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...reporters, ...files], {
  stdio: 'inherit',
  env,
});
let tap = '';
try {
  tap = readFileSync(tapFile, 'utf8');
} catch {
  // No report: the run died before writing one; its status says so.
}
rmSync(dir, { recursive: true, force: true });
const skips = skipsByReason(tap);
const total = [...skips.values()].reduce((n, names) => n + names.length, 0);
console.log(`\nrun-tests: ${total} skipped${total === 0 ? '' : ', by reason:'}`);
for (const [reason, names] of [...skips].sort((a, b) => b[1].length - a[1].length)) {
  console.log(
    `  ${names.length} × ${reason}  (${names.slice(0, 3).join('; ')}${names.length > 3 ? '; …' : ''})`,
  );
}
process.exit(result.status ?? 1);
