import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { whyLines } from '../../../src/reporters/html/why.js';

describe('why a test failed', () => {
  it('picks assertion, abort, exception, emulation and QEMU error lines, not warnings, checks or the harness kill', () => {
    const output = [
      "qemu-system-x86_64: warning: TCG doesn't support requested feature: CPUID.01H:ECX.x2apic [bit 21]",
      'enabling apic',
      'PASS: apic existence',
      'FAIL: apic version',
      'x86/apic.c:942: assert failed: is_apic_hw_enabled(): APIC should be fully enabled',
      '\tSTACK: 401fb1 4001ad',
      'Unhandled exception 13 #GP at ip 0000000000401234',
      'KVM internal error. Suberror: 1',
      'emulation failure',
      'ABORT: boom',
      'qemu-system-x86_64: -device foo: Device foo not found',
      'qemu-system-x86_64: terminating on signal 15 from pid 7',
    ];
    assert.deepEqual(whyLines(output), output.slice(4, -1));
  });

  it('keeps a dozen clipped lines at most', () => {
    const lines = whyLines(Array.from({ length: 50 }, () => `ABORT: ${'x'.repeat(1000)}`));
    assert.equal(lines.length, 12);
    assert.ok(lines.every((l) => l.length < 450));
  });
});
