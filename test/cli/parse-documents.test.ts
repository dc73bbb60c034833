/**
 * `vmunit parse --json=FILE --junit=FILE` through the real entry point on a generated log of 20,000 cases:
 * the streamed documents equal the whole-tree rendering byte for byte, the console is unchanged on
 * stdout, and no temporary file is left beside the documents.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../../src/ktap/tree.js';
import { kunitJson } from '../../src/reporters/json-kunit.js';
import { treeToJUnit } from '../../src/reporters/junit.js';
import { parseAll } from '../ktap/helpers.js';
import { distSkip, kunitPy } from '../requirements.js';

const kunit = kunitPy();
/** Every folder these tests make, removed after them. */
const ROOT_TMP = mkdtempSync(join(tmpdir(), 'vmunit-parse-documents-'));
after(() => rmSync(ROOT_TMP, { recursive: true, force: true }));
const BIN = fileURLToPath(new URL('../../bin/vmunit.js', import.meta.url));

/** A KUnit log in the bench's shape: suites of 100 cases, one failure with diagnostics every 1000. */
function kunitLog(cases: number): string[] {
  const lines = ['KTAP version 1', `1..${Math.ceil(cases / 100)}`];
  for (let s = 1; s * 100 <= cases; s++) {
    lines.push('    KTAP version 1', `    # Subtest: suite_${s}`, '    # module: bench', '    1..100');
    for (let c = 1; c <= 100; c++) {
      const fail = ((s - 1) * 100 + c) % 1000 === 0;
      if (fail) lines.push(`    # case_${c}: EXPECTATION FAILED at lib/bench.c:${c}`);
      lines.push(`    ${fail ? 'not ok' : 'ok'} ${c} case_${c}`);
    }
    lines.push(`${s % 10 === 0 ? 'not ok' : 'ok'} ${s} suite_${s}`);
  }
  return lines.map((l, i) => `[${(i / 1e6).toFixed(6).padStart(12)}] ${l}`);
}

describe('vmunit parse --json/--junit (bin/vmunit.js)', { skip: distSkip() }, () => {
  it('streams the documents kunit.py writes, byte for byte, and leaves no temporary file', () => {
    const dir = mkdtempSync(join(ROOT_TMP, 'vmunit-parse-docs-'));
    const lines = kunitLog(20_000);
    writeFileSync(join(dir, 'k.log'), `${lines.join('\n')}\n`);
    const run = spawnSync(
      process.execPath,
      [BIN, 'parse', `--json=${join(dir, 'r.json')}`, `--junit=${join(dir, 'r.xml')}`, 'k.log'],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /Testing complete\. Ran 20000 tests: passed: 19980, failed: 20/);
    const events = parseAll(lines);
    assert.equal(readFileSync(join(dir, 'r.json'), 'utf8'), kunitJson(buildTree(events)));
    assert.equal(
      readFileSync(join(dir, 'r.xml'), 'utf8'),
      treeToJUnit(buildTree(events), { style: 'file', kunitCompatible: true }),
    );
    assert.deepEqual(readdirSync(dir).sort(), ['k.log', 'r.json', 'r.xml']);
  });

  it('bare --json and --ktap print the whole console first, then the document, as kunit.py does', () => {
    // A JSON document far past one write block: streamed to stdout while the console also goes there, it
    // would land in the middle of the console's lines.
    const dir = mkdtempSync(join(ROOT_TMP, 'vmunit-parse-stdout-'));
    const lines = kunitLog(20_000);
    writeFileSync(join(dir, 'k.log'), `${lines.join('\n')}\n`);
    const events = parseAll(lines);
    for (const [flag, document] of [
      ['--json', kunitJson(buildTree(events))],
      ['--ktap', undefined],
    ] as const) {
      const run = spawnSync(process.execPath, [BIN, 'parse', flag, 'k.log'], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stderr, '');
      const summary = run.stdout.indexOf('Testing complete. Ran 20000 tests: passed: 19980, failed: 20\n');
      assert.ok(summary > 0, `${flag}: the summary line`);
      const after = run.stdout.slice(run.stdout.indexOf('\n', summary) + 1);
      const console = run.stdout.slice(0, summary);
      assert.equal(console.match(/\[PASSED\] case_/g)?.length, 19_980, `${flag}: every case on the console`);
      // A boolean: on a mismatch, a diff of two 2 MB documents would bury the message.
      if (document !== undefined)
        assert.ok(after === `${document}\n`, `${flag}: the document after the console`);
      else {
        assert.match(after, /^KTAP version 1\n1\.\.200\n/);
        assert.doesNotMatch(after, /\[PASSED\]/, 'no console line inside the KTAP');
        assert.equal(after.match(/^ {4}ok \d+ case_/gm)?.length, 19_980);
      }
    }
  });

  it('--all-blocks: every report keeps the tests of several KTAP documents in the order they came', () => {
    // Each document numbers its tests from 1 again (a module loaded later prints its own); ordered by
    // number, the reports would put the first tests of both documents before the second ones.
    const dir = mkdtempSync(join(ROOT_TMP, 'vmunit-parse-blocks-'));
    const lines = [];
    for (const doc of [1, 2]) {
      lines.push('KTAP version 1', '1..2', '    KTAP version 1', `    # Subtest: first_${doc}`, '    1..3');
      for (let c = 1; c <= 3; c++) lines.push(`    ok ${c} case_${c}`);
      lines.push(`ok 1 first_${doc}`, `ok 2 second_${doc}`, 'some other kernel line');
    }
    writeFileSync(join(dir, 'k.log'), `${lines.join('\n')}\n`);
    const files = { json: 'k.json', junit: 'k.xml', ktap: 'k.ktap', html: 'k.html' };
    const run = spawnSync(
      process.execPath,
      [
        BIN,
        'parse',
        '--all-blocks',
        '--json=s.json',
        '--junit=s.xml',
        ...Object.entries(files).flatMap(([format, file]) => ['-o', `${format}:${file}`]),
        'k.log',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const want = ['first_1', 'second_1', 'first_2', 'second_2'];
    const order = (text: string) => [...text.matchAll(/(first|second)_[12]/g)].map((m) => m[0]);
    // Each name once, at its first mention (HTML names a test in several places).
    const firsts = (text: string) => [...new Set(order(text))];
    assert.deepEqual(firsts(run.stdout), want, 'console');
    // kunit.py's JSON lists a group's sub-groups before its cases.
    const json = ['first_1', 'first_2', 'second_1', 'second_2'];
    for (const file of ['s.json', 's.xml', ...Object.values(files)]) {
      const expected = file.endsWith('.json') ? json : want;
      assert.deepEqual(firsts(readFileSync(join(dir, file), 'utf8')), expected, file);
    }
    assert.match(readFileSync(join(dir, 'k.ktap'), 'utf8'), /^ok 3 first_2$/m);
  });

  /** `vmunit parse ARGS` of a log without KTAP, in a folder of its own. */
  function nothingParsed(args: string[]) {
    const dir = mkdtempSync(join(ROOT_TMP, 'vmunit-parse-nothing-'));
    writeFileSync(join(dir, 'k.log'), 'Booting the kernel\nKernel panic - not syncing\n');
    const vmunit = (more: string[]) =>
      spawnSync(process.execPath, [BIN, 'parse', ...more], { cwd: dir, encoding: 'utf8' });
    return { dir, vmunit, run: vmunit([...args, 'k.log']) };
  }

  it('a log without KTAP fails in every report, and its KTAP reads back as the same failure', () => {
    const files = { ktap: 'k.ktap', tap13: 'k.tap', junit: 'k.xml', html: 'k.html', kcidb: 'k.kcidb' };
    const { dir, vmunit, run } = nothingParsed([
      ...Object.entries(files).flatMap(([format, file]) => ['-o', `${format}:${file}`]),
      '--origin',
      'vmunit_test',
    ]);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /Could not find any KTAP output/);
    const file = (name: string) => readFileSync(join(dir, name), 'utf8');
    assert.match(file('k.tap'), /^not ok 1 - /m);
    assert.match(file('k.xml'), /errors="1"/);
    assert.match(file('k.html'), /\[ERROR\] Could not find any KTAP output/);
    const kcidb = JSON.parse(file('k.kcidb')) as { tests: Array<{ status: string }> };
    assert.deepEqual(
      kcidb.tests.map((t) => t.status),
      ['ERROR'],
    );
    const back = vmunit(['k.ktap']);
    assert.equal(back.status, 1);
    assert.match(back.stdout, /Could not find any KTAP output/);
  });

  it('kunit.py reads the KTAP of a log without KTAP as the same failure', { skip: kunit.skip }, () => {
    const { dir, run } = nothingParsed(['-o', 'ktap:k.ktap']);
    assert.equal(run.status, 1, run.stderr);
    const ref = spawnSync('python3', [kunit.path ?? '', 'parse', join(dir, 'k.ktap')], { encoding: 'utf8' });
    assert.equal(ref.status, 1, ref.stderr);
    assert.match(ref.stdout, /Could not find any KTAP output/);
  });
});
