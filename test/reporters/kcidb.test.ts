import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordRoot } from '../../src/record/types.js';
import { pathComponent, recordToKcidb } from '../../src/reporters/kcidb.js';
import { VmunitError } from '../../src/util/errors.js';
import { check, record, test } from '../scale/records.js';
import { assertKcidb } from './kcidb-schema.js';

const REC = record([
  test('setjmp', 'PASS', [check('longjmp'), check('CR8 test #DB')]),
  test('ioapic', 'FAIL', [check('x', 'FAILURE')], 'timeout; duration=90s'),
  test('smptest', 'SKIP', [], 'x86_64 only'),
  test('missing', 'MISS', [], 'missing from shard 2/3 (no record for that shard)'),
  test('crash', 'ERROR', [], 'aborted (exit 127)'),
  test('v.1', 'PASS'),
  test('v_1', 'PASS'),
]);

describe('recordToKcidb', () => {
  const doc = recordToKcidb(REC, { origin: 'vmunit_ci' });

  it('is valid KCIDB I/O v5.3 (ajv, Draft-07 with formats)', () => {
    assertKcidb(doc);
    assert.deepEqual(doc.version, { major: 5, minor: 3 });
  });

  it('checkout and build stubs from the run metadata', () => {
    assert.deepEqual(doc.checkouts, [
      { id: 'vmunit_ci:abc123', origin: 'vmunit_ci', comment: '/work/kut', git_commit_name: 'abc123' },
    ]);
    assert.equal(doc.builds[0]?.id, 'vmunit_ci:abc123:x86_64');
    assert.equal(doc.builds[0]?.architecture, 'x86_64');
    assert.equal(doc.builds[0]?.checkout_id, 'vmunit_ci:abc123');
  });

  it('a test per harness test with its verdict, and per check as a further path component', () => {
    const byPath = new Map(doc.tests.map((t) => [t.path, t]));
    assert.equal(byPath.get('kvm-unit-tests.x86_64.setjmp')?.status, 'PASS');
    assert.equal(byPath.get('kvm-unit-tests.x86_64.setjmp.longjmp')?.status, 'PASS');
    assert.equal(byPath.get('kvm-unit-tests.x86_64.setjmp.CR8_test__DB')?.comment, 'CR8 test #DB');
    assert.equal(byPath.get('kvm-unit-tests.x86_64.ioapic')?.status, 'FAIL');
    assert.equal(byPath.get('kvm-unit-tests.x86_64.ioapic')?.log_excerpt, 'timeout; duration=90s');
    assert.equal(byPath.get('kvm-unit-tests.x86_64.ioapic.x')?.status, 'FAIL');
    assert.equal(byPath.get('kvm-unit-tests.x86_64.smptest')?.status, 'SKIP');
    assert.equal(byPath.get('kvm-unit-tests.x86_64.missing')?.status, 'MISS');
    assert.equal(byPath.get('kvm-unit-tests.x86_64.crash')?.status, 'ERROR');
    const t = byPath.get('kvm-unit-tests.x86_64.setjmp');
    assert.equal(t?.start_time, '2026-12-03T10:00:00.000Z');
    assert.equal(t?.duration, 1);
    assert.equal(t?.build_id, 'vmunit_ci:abc123:x86_64');
    assert.match(
      t?.id ?? '',
      /^vmunit_ci:abc123:x86_64:2026-12-03T10:00:00.000Z:kvm-unit-tests\.x86_64\.setjmp$/,
    );
    assert.deepEqual(t?.environment?.misc, {
      accel: 'tcg',
      qemu_version: '7.2.0',
      qemu_path: '/usr/bin/qemu-system-x86_64',
      host: 'ci',
      host_kernel: '6.1.0',
      host_cpus: 2,
    });
  });

  it('names that clean up to the same component stay distinct; ids are unique', () => {
    const paths = doc.tests.map((t) => t.path);
    assert.ok(paths.includes('kvm-unit-tests.x86_64.v_1'));
    assert.ok(paths.includes('kvm-unit-tests.x86_64.v_1-2'));
    assert.equal(new Set(doc.tests.map((t) => t.id)).size, doc.tests.length);
  });

  it('many tests of one name (a cut-off plan crashes thousands unnamed) get -2, -3, … past taken names', () => {
    const names = ['a', 'a', 'a-2', 'a', ...Array.from({ length: 5000 }, () => '')];
    const many = recordToKcidb(record(names.map((n) => test(n, 'ERROR'))), { origin: 'o' });
    const parts = many.tests.map((t) => t.path.replace('kvm-unit-tests.x86_64.', ''));
    assert.deepEqual(parts.slice(0, 7), ['a', 'a-2', 'a-2-2', 'a-3', '_', '_-2', '_-3']);
    assert.equal(parts.at(-1), '_-5000');
    assert.equal(new Set(parts).size, parts.length);
  });

  it('log_url instead of an excerpt when the results folder is published', () => {
    const withLog = record([{ ...test('ioapic', 'FAIL', [], 'timeout'), log: 'ioapic.log' }]);
    const d = recordToKcidb(withLog, { origin: 'lab', logUrlBase: 'https://ci.example/job/1/logs/' });
    assert.equal(d.tests[0]?.log_url, 'https://ci.example/job/1/logs/ioapic.log');
    assert.equal(d.tests[0]?.log_excerpt, undefined);
    assertKcidb(d);
  });

  it('a 40-hex HEAD becomes git_commit_hash', () => {
    const head = 'a'.repeat(40);
    const d = recordToKcidb(record([test('t', 'PASS')], undefined, head), { origin: 'lab' });
    assert.equal(d.checkouts[0]?.git_commit_hash, head);
    assertKcidb(d);
  });

  it('--origin is required and must match [a-z0-9_]+', () => {
    const usage = (e: unknown) => e instanceof VmunitError && e.code === 'USAGE';
    assert.throws(() => recordToKcidb(REC, { origin: '' }), usage);
    assert.throws(() => recordToKcidb(REC, { origin: 'My-Lab' }), usage);
  });

  it('the schema rejects what KCIDB rejects (the validator can fail)', () => {
    assert.throws(() => assertKcidb({ ...doc, version: { major: 4 } }));
    assert.throws(() => assertKcidb({ ...doc, tests: [{ ...doc.tests[0], path: 'a..b' }] }));
    assert.throws(() => assertKcidb({ ...doc, tests: [{ ...doc.tests[0], status: 'OK' }] }));
  });

  it('a run that failed where no test says so (no KTAP found) is one ERROR test at the suite path', () => {
    const failedRoot: RecordRoot = {
      name: '<missing>',
      status: 'FAILURE_TO_PARSE_TESTS',
      node: { id: '0', issues: [{ message: 'Could not find any KTAP output.', line: 2, kind: 'no-ktap' }] },
    };
    const none = recordToKcidb({ ...record([]), roots: [failedRoot] }, { origin: 'vmunit_ci' });
    assertKcidb(none);
    assert.deepEqual(
      none.tests.map((t) => [t.path, t.status, t.log_excerpt]),
      [['kvm-unit-tests.x86_64', 'ERROR', 'Could not find any KTAP output.']],
    );
    // A failing test already says it; a passing root adds nothing.
    const failing = recordToKcidb({ ...REC, roots: [{ ...failedRoot, status: 'FAILURE' }] }, { origin: 'a' });
    assert.equal(failing.tests.length, doc.tests.length);
    const passing = recordToKcidb(
      { ...record([]), roots: [{ name: 'main', status: 'SUCCESS' }] },
      { origin: 'a' },
    );
    assert.deepEqual(passing.tests, []);
  });

  it('pathComponent keeps [a-zA-Z0-9_-] only', () => {
    assert.equal(pathComponent('vmx_apicv_test'), 'vmx_apicv_test');
    assert.equal(pathComponent('a.b c/d'), 'a_b_c_d');
    assert.equal(pathComponent(''), '_');
  });
});
