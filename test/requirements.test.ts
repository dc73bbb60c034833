/** The skip helper: a reason when something is missing, a failure when VMUNIT_REQUIRE names it. */

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { kunitPy, kutTree, requiredSet, skipUnless } from './requirements.js';

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['VMUNIT_REQUIRE', 'KUT_DIR', 'KUNIT_PY']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('skipUnless', () => {
  it('is false when nothing is missing, else the reason', () => {
    process.env.VMUNIT_REQUIRE = '';
    assert.equal(skipUnless('qemu', false), false);
    assert.equal(
      skipUnless('qemu', 'qemu-system-x86_64 not installed'),
      'needs qemu: qemu-system-x86_64 not installed',
    );
  });
  it('throws when VMUNIT_REQUIRE names the missing requirement', () => {
    process.env.VMUNIT_REQUIRE = 'kut, qemu';
    assert.throws(() => skipUnless('qemu', 'gone'), /^Error: VMUNIT_REQUIRE=qemu, but needs qemu: gone$/);
    assert.equal(skipUnless('kunit', 'gone'), 'needs kunit: gone');
  });
  it('rejects an unknown requirement name', () => {
    assert.throws(() => requiredSet('qemu,kvm'), /unknown kvm \(known: qemu, kut, kunit, chromium, dist\)/);
  });
});

describe('reference tools come from the environment only', () => {
  it('KUT_DIR unset or not a configured tree: skip with the reason', () => {
    process.env.VMUNIT_REQUIRE = '';
    delete process.env.KUT_DIR;
    assert.match(String(kutTree().skip), /KUT_DIR is not set/);
    process.env.KUT_DIR = '/nonexistent';
    assert.deepEqual(kutTree(), {
      dir: undefined,
      skip: 'needs kut: KUT_DIR=/nonexistent has no config.mak and run_tests.sh (run ./configure && make there)',
    });
  });
  it('KUNIT_PY unset or missing: skip, or fail under VMUNIT_REQUIRE=kunit', () => {
    delete process.env.KUNIT_PY;
    process.env.VMUNIT_REQUIRE = '';
    assert.match(String(kunitPy().skip), /KUNIT_PY is not set/);
    process.env.KUNIT_PY = '/nonexistent/kunit.py';
    process.env.VMUNIT_REQUIRE = 'kunit';
    assert.throws(() => kunitPy(), /KUNIT_PY=\/nonexistent\/kunit\.py does not exist/);
  });
});
