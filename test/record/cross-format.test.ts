/**
 * Every format tells the same story. Fixture guests built with our SDK in legacy mode (kvm-unit-tests'
 * report lines, `#` and `\` in names) end in every way a test can: pass, fail, skip, xfail, a timeout and an
 * abort after passing checks, a harness skip, and 10,000 checks. `bin/vmunit.js run` runs them under TCG;
 * then the result lines, the totals line, record.json, KTAP (read back by `vmunit parse`, and by kunit.py
 * when KUNIT_PY is set), JUnit, KernelCI JSON and TAP 13 must give each test the same verdict and the same
 * two-level counts, and `vmunit report` must reproduce the files byte for byte.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../../src/ktap/tree.js';
import { formatLevelCounts } from '../../src/record/counts.js';
import type { RunRecord } from '../../src/record/types.js';
import { sdkSkip, tempDir } from '../guest/sdk-tree.js';
import { parseAll } from '../ktap/helpers.js';
import { parseXml, type XmlNode } from '../reporters/xml-check.js';
import { schemaErrors } from './helpers.js';
import { skipUnless } from './require.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUESTS = join(ROOT, 'test/fixtures/record-guests');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const skip = skipUnless('qemu', sdkSkip || (!built && 'dist/ not built (npm run build)'));
const KUNIT_PY = process.env.KUNIT_PY;
const kunitSkip = skipUnless('kunit', KUNIT_PY === undefined && 'KUNIT_PY is not set');

/** cfg order, and what run_tests.sh's result line says for each. */
const EXPECTED: ReadonlyArray<readonly [string, 'PASS' | 'FAIL' | 'SKIP']> = [
  ['pass', 'PASS'],
  ['fail', 'FAIL'],
  ['skip', 'SKIP'],
  ['xfail', 'PASS'],
  ['timeout', 'FAIL'],
  ['abort', 'FAIL'],
  ['many', 'PASS'],
  ['arm_only', 'SKIP'],
];

function vmunit(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/vmunit.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1', ...env },
  });
}

/** `vmunit … | head -1` through a shell: the command's own exit status and stderr. */
function headOne(args: string[]) {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return spawnSync(
    'bash',
    ['-c', `node '${join(ROOT, 'bin/vmunit.js')}' ${quoted} | head -1; exit \${PIPESTATUS[0]}`],
    {
      encoding: 'utf8',
    },
  );
}

const KTAP_NAME = (name: string) => name.replace(/#/g, '\uff03');

describe('one run, every format: the same verdicts and counts', { skip }, () => {
  let dir = '';
  let results = '';
  let run: ReturnType<typeof vmunit>;
  let record: RunRecord;
  const file = (name: string) => readFileSync(join(results, name), 'utf8');
  const verdictOf = new Map<string, string>();

  before(() => {
    dir = tempDir('record-xf');
    const tree = join(dir, 'tree');
    const make = spawnSync(
      'make',
      ['-s', '-C', join(ROOT, 'guest-sdk'), `TESTS_DIR=${GUESTS}`, `O=${tree}`, 'LEGACY=1'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(make.status, 0, make.stderr);
    results = join(dir, 'results');
    run = vmunit([
      'run',
      '-C',
      tree,
      '--results',
      results,
      '-j',
      '2',
      ...['junit', 'json', 'ktap', 'tap13'].flatMap((f) => ['--format', f]),
    ]);
    record = JSON.parse(file('record.json')) as RunRecord;
    for (const t of record.tests) verdictOf.set(t.name, t.verdict);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('result lines: run_tests.sh verdicts, and the record in cfg order with the same verdicts', () => {
    assert.equal(run.status, 1, run.stderr);
    const lines = new Map(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((l) => [l.split(' ')[1] ?? '', l.split(' ')[0] ?? ''] as const),
    );
    for (const [name, verdict] of EXPECTED) assert.equal(lines.get(name), verdict, name);
    assert.deepEqual(
      record.tests.map((t) => [t.name, t.verdict]),
      EXPECTED.map(([n, v]) => [n, v]),
    );
    assert.equal(record.tests.find((t) => t.name === 'timeout')?.reason, 'timeout; duration=3s');
    assert.equal(
      record.tests.find((t) => t.name === 'pass')?.checks[0]?.name,
      'pass: no fep: #DB occurred after MOV SS',
    );
  });

  it('record: valid against the schema, complete, counts at two levels in the totals line', () => {
    assert.equal(schemaErrors(record), '');
    assert.equal(record.run.complete, true);
    assert.equal(record.counts.checks.total, 10_013);
    assert.deepEqual(record.counts.tests, {
      total: 8,
      passed: 3,
      failed: 3,
      skipped: 2,
      errors: 0,
      missing: 0,
    });
    assert.ok(run.stderr.includes(`vmunit: ${formatLevelCounts(record.counts)} in `), run.stderr);
  });

  it('JUnit: a failure for every FAIL (the timeout and the abort too), none for a PASS', () => {
    const root = parseXml(file('junit.xml'));
    assert.equal(root.children.filter((c) => c.tag !== 'properties').length, EXPECTED.length);
    const failed = (n: XmlNode): boolean =>
      n.tag === 'failure' || n.tag === 'error' || n.children.some(failed);
    for (const child of root.children.filter((c) => c.tag !== 'properties')) {
      const name = child.attrs.name ?? '';
      assert.equal(failed(child), verdictOf.get(name) === 'FAIL', name);
    }
    const timeout = root.children.find((c) => c.attrs.name === 'timeout');
    assert.equal(timeout?.attrs.failures, '1');
    assert.equal(root.attrs.failures, '3');
  });

  it('KernelCI JSON: a FAIL case for every FAIL, none for a PASS', () => {
    interface Group {
      name: string;
      sub_groups: Group[];
      test_cases: { name: string; status: string }[];
    }
    const top = JSON.parse(file('kernelci.json')) as Group;
    const anyFail = (g: Group): boolean =>
      g.test_cases.some((c) => c.status === 'FAIL' || c.status === 'ERROR') || g.sub_groups.some(anyFail);
    for (const [name, verdict] of EXPECTED) {
      const group = top.sub_groups.find((g) => g.name === name);
      const failing = group
        ? anyFail(group)
        : top.test_cases.some((c) => c.name === name && c.status === 'FAIL');
      assert.equal(failing, verdict === 'FAIL', name);
    }
  });

  it('KTAP: top-level ok/not ok match, names with U+FF03, and it parses back to the same statuses', () => {
    const text = file('results.ktap');
    const top = text.split('\n').filter((l) => /^(ok|not ok) \d+ /.test(l));
    assert.deepEqual(
      top.map((l) => l.startsWith('not ok')),
      EXPECTED.map(([, v]) => v === 'FAIL'),
    );
    assert.ok(text.includes('ok 1 pass: no fep: \uff03DB occurred after MOV SS'));
    const tree = buildTree(parseAll(text.split('\n')));
    assert.deepEqual(
      tree.subtests.map((t) => [t.name, t.status]),
      record.tests.map((t) => [KTAP_NAME(t.name), t.status]),
    );
    assert.equal(tree.counts.errors, 0);
    const parsed = vmunit(['parse', join(results, 'results.ktap')]);
    assert.equal(parsed.status, 1);
    // Without a kernel tree vmunit parse counts as mainline kunit.py does: a `not ok` test whose checks all
    // passed (the timeout, the abort) adds one failure, so the counts carry those verdicts too.
    assert.match(parsed.stdout, /Testing complete\. Ran 10016 tests: passed: 10011, failed: 3, skipped: 2\n/);
    assert.doesNotMatch(parsed.stdout, /\[ERROR\]/);
  });

  it('KTAP: kunit.py reads it with no errors and the same summary', { skip: kunitSkip }, () => {
    const ref = spawnSync('python3', [KUNIT_PY as string, 'parse', join(results, 'results.ktap')], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    assert.equal(ref.status, 1, ref.stderr);
    assert.doesNotMatch(ref.stdout, /\[ERROR\]|crashed/);
    // kunit parse with the reference's own tree counts by that kunit.py version's rules (6.12's differ from
    // mainline's, which plain `vmunit parse` follows).
    const tree = resolve(dirname(KUNIT_PY as string), '..', '..', '..');
    const ours = vmunit(['kunit', 'parse', '--kernel_root', tree, join(results, 'results.ktap')]).stdout;
    const summary = (s: string) =>
      s
        .split('\n')
        .filter((l) => / Testing complete\.| Failures:/.test(l))
        .map((l) => l.slice(11));
    assert.deepEqual(summary(ref.stdout), summary(ours));
  });

  it('TAP 13: a not ok line for every FAIL, none for a PASS or SKIP', () => {
    const lines = file('results.tap13').split('\n');
    for (const [name, verdict] of EXPECTED) {
      const own = lines.filter(
        (l) => l.includes(` - ${name}:`) || l.endsWith(` - ${name}`) || l.includes(` - ${name} #`),
      );
      assert.ok(own.length > 0, name);
      assert.equal(
        own.some((l) => l.startsWith('not ok')),
        verdict === 'FAIL',
        name,
      );
    }
  });

  it('vmunit report reproduces every file byte for byte', () => {
    const out = join(dir, 'again');
    const files = { junit: 'junit.xml', json: 'kernelci.json', ktap: 'results.ktap', tap13: 'results.tap13' };
    const r = vmunit([
      'report',
      results,
      '--format',
      'none',
      ...Object.entries(files).flatMap(([f, n]) => ['--output', `${f}:${join(out, n)}`]),
    ]);
    assert.equal(r.status, 1, r.stderr);
    for (const name of Object.values(files))
      assert.equal(readFileSync(join(out, name), 'utf8'), file(name), name);
  });

  it('vmunit report on stdout: only the format there, the summary on stderr, and | head -1 is quiet', () => {
    const r = vmunit(['report', results, '--format', 'junit']);
    assert.doesNotThrow(() => parseXml(r.stdout));
    assert.match(r.stderr, /^vmunit: 8 tests \(3 passed, 3 failed, 2 skipped\), 10013 checks/);
    const head = headOne(['report', results, '--format', 'ktap']);
    assert.equal(head.stdout, 'KTAP version 1\n');
    assert.equal(head.status, 1);
    assert.doesNotMatch(head.stderr, /EPIPE|Error|at /);
  });

  it('a killed run (no run:end, a test unfinished) is still reported, as interrupted work', () => {
    const lines = file('events.jsonl').trimEnd().split('\n');
    const cut = lines.findIndex((l) => l.includes('"type":"test:result"') && l.includes('"name":"many"'));
    const killed = join(dir, 'killed');
    spawnSync('mkdir', ['-p', killed]);
    writeFileSync(join(killed, 'events.jsonl'), `${lines.slice(0, cut).join('\n')}\n`);
    const r = vmunit(['report', killed, '--format', 'junit']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\(incomplete: the run did not end\)/);
    const many = parseXml(r.stdout).children.find((c) => c.attrs.name === 'many');
    assert.ok(many, r.stdout.slice(0, 500));
    assert.ok(JSON.stringify(many).includes('"error"'), 'the unfinished test is an error');
  });

  it('vmunit run --output junit:- keeps stdout to the XML, result lines on stderr', () => {
    const r = vmunit([
      'run',
      '-C',
      join(dir, 'tree'),
      '--results',
      join(dir, 'r2'),
      '--output',
      'junit:-',
      'pass',
      'fail',
    ]);
    assert.equal(r.status, 1, r.stderr);
    const xml = parseXml(r.stdout);
    assert.deepEqual(
      xml.children.filter((c) => c.tag === 'testsuite').map((c) => c.attrs.name),
      ['pass', 'fail'],
    );
    assert.match(r.stderr, /^PASS pass \(3 tests\)$/m);
  });

  it('vmunit parse --format junit keeps stdout to the XML; | head -1 is quiet', () => {
    const r = vmunit(['parse', join(results, 'results.ktap'), '--format', 'junit']);
    assert.doesNotThrow(() => parseXml(r.stdout));
    assert.match(r.stderr, /Testing complete\./);
    const head = headOne(['parse', join(results, 'results.ktap')]);
    assert.equal(head.status, 1);
    assert.doesNotMatch(head.stderr, /EPIPE|Error|at /);
  });
});
