/**
 * Skips that cannot hide checks: a test that needs a reference tool skips with its reason, unless
 * VMUNIT_REQUIRE (a comma list: qemu, kut, kunit) names that tool, and then it fails instead.
 */

import assert from 'node:assert/strict';

/** The node:test `skip` value for a test needing `tool`: false to run, the reason to skip. */
export function skipUnless(tool: 'qemu' | 'kut' | 'kunit', reason: string | false): string | false {
  if (reason === false) return false;
  const required = (process.env.VMUNIT_REQUIRE ?? '').split(',').map((s) => s.trim());
  assert.ok(!required.includes(tool), `VMUNIT_REQUIRE=${process.env.VMUNIT_REQUIRE}: ${reason}`);
  return reason;
}
