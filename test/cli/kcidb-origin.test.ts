/**
 * `--origin` on every command whose output grammar can write KCIDB (parse, kunit, test, as run, report and
 * merge), through bin/vmunit.js: with it the document is written with the run's verdicts; without it the
 * command stops with a usage error before it does any work (for `kunit run`, before configuring a kernel).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { distSkip } from '../requirements.js';

/** Every folder these tests make, removed after them. */
const ROOT_TMP = mkdtempSync(join(tmpdir(), 'vmunit-kcidb-origin-'));
after(() => rmSync(ROOT_TMP, { recursive: true, force: true }));

const BIN = fileURLToPath(new URL('../../bin/vmunit.js', import.meta.url));
const FAILING_LOG = resolve(import.meta.dirname, '../fixtures/ktap/test_is_test_passed-failure.log');
const EXAMPLES = resolve(import.meta.dirname, '../../examples/unit');

function vmunit(args: readonly string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });
}

/** The statuses of a KCIDB document's tests, once each. */
function statuses(path: string): string[] {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { tests: Array<{ status: string; origin: string }> };
  assert.ok(doc.tests.every((t) => t.origin === 'vmunit_ci'));
  return [...new Set(doc.tests.map((t) => t.status))].sort();
}

describe('--origin wherever -o kcidb: can be written (bin/vmunit.js)', { skip: distSkip() }, () => {
  it('parse and kunit parse write the KCIDB document of a log', () => {
    const dir = mkdtempSync(join(ROOT_TMP, 'vmunit-kcidb-parse-'));
    for (const command of [['parse'], ['kunit', 'parse']]) {
      const r = vmunit([...command, '-o', 'kcidb:k.json', '--origin', 'vmunit_ci', FAILING_LOG], dir);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /Testing complete\. Ran 10 tests: passed: 9, failed: 1/);
      assert.deepEqual(statuses(join(dir, 'k.json')), ['FAIL', 'PASS']);
    }
  });

  it('vmunit test writes the KCIDB document of a unit run', () => {
    const dir = mkdtempSync(join(ROOT_TMP, 'vmunit-kcidb-test-'));
    const out = join(dir, 'k.json');
    const r = vmunit(
      ['test', EXAMPLES, '--format', 'none', '-o', `kcidb:${out}`, '--origin', 'vmunit_ci'],
      dir,
    );
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.ok(statuses(out).includes('PASS'));
  });

  it('without --origin each stops at once with a usage error and writes nothing', () => {
    const dir = mkdtempSync(join(ROOT_TMP, 'vmunit-kcidb-none-'));
    for (const args of [
      ['parse', '-o', 'kcidb:k.json', FAILING_LOG],
      ['kunit', 'parse', '-o', 'kcidb:k.json', FAILING_LOG],
      ['kunit', 'run', '--arch=um', '--build_dir', join(dir, 'build'), '-o', 'kcidb:k.json'],
      ['test', EXAMPLES, '-o', 'kcidb:k.json'],
    ]) {
      const r = vmunit(args, dir);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /--format kcidb needs --origin NAME/);
      assert.doesNotMatch(r.stdout, /Testing complete|Configuring/);
    }
    assert.deepEqual(readdirSync(dir), []);
  });
});
