import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyStartupFailure,
  type DecodeInput,
  decodeExit,
  fixupQemuStatus,
  type ProcessEnd,
  parseExitLine,
  signalName,
} from '../../src/guest/exit-code.js';

const exited = (code: number): ProcessEnd => ({ code, signal: null, timedOut: false, killed: false });
const x86 = (end: ProcessEnd, stderr: string[] = []): DecodeInput => ({
  end,
  channel: 'debug-exit',
  stderr,
  timeoutText: '90s',
});

describe('decodeExit: isa-debug-exit algebra (code << 1) | 1', () => {
  const table: Array<[string, DecodeInput, number, string, string | undefined]> = [
    ['guest exit(0) → 1 → PASS', x86(exited(1)), 0, 'PASS', undefined],
    ['report_summary() = 1 → 3 → FAIL', x86(exited(3)), 3, 'FAIL', undefined],
    ['all skipped (38) → 77 → SKIP', x86(exited(77)), 77, 'SKIP', undefined],
    ['abort() = exit(63) → 127 → FAIL, aborted', x86(exited(127)), 127, 'FAIL', undefined],
    ['QEMU quit without debug-exit (0) → 1 → FAIL', x86(exited(0)), 1, 'FAIL', undefined],
    ['QEMU error exit 1 with an error line → FAIL', x86(exited(1), ['qemu: oops']), 1, 'FAIL', undefined],
    [
      'exit 1 with only warnings → PASS',
      x86(exited(1), ['qemu: warning: foo', 'W: WARNING bar']),
      0,
      'PASS',
      undefined,
    ],
    [
      'QEMU SIGTERM from outside: status 0 + "terminating on signal 15" → SIGTERM',
      x86(exited(0), ['qemu-system-x86_64: terminating on signal 15 from pid 42 (bash)']),
      143,
      'FAIL',
      'terminated on SIGTERM',
    ],
    [
      'killed by SIGSEGV',
      x86({ code: null, signal: 'SIGSEGV', timedOut: false, killed: false }),
      139,
      'FAIL',
      'terminated on SIGSEGV',
    ],
    [
      'timeout → 124',
      x86({ code: 0, signal: null, timedOut: true, killed: false }),
      124,
      'FAIL',
      'timeout; duration=90s',
    ],
    [
      'timeout escalated to SIGKILL → 137',
      x86({ code: null, signal: 'SIGKILL', timedOut: true, killed: true }),
      137,
      'FAIL',
      'terminated on SIGKILL',
    ],
    ['QEMU abort (134)', x86(exited(134)), 134, 'FAIL', 'terminated on SIGABRT'],
  ];
  for (const [title, input, status, verdict, reason] of table) {
    it(title, () => {
      const d = decodeExit(input);
      assert.equal(d.status, status);
      assert.equal(d.verdict, verdict);
      assert.equal(d.reason, reason);
      assert.equal(d.aborted, status === 127);
    });
  }

  it('applies the warning rule per line (upstream joins stderr and lets one "warning" hide errors)', () => {
    assert.equal(fixupQemuStatus(1, ['qemu: warning: x', 'qemu: could not open device']), 1);
    assert.equal(fixupQemuStatus(1, []), 0);
    assert.equal(fixupQemuStatus(1, ['']), 0);
  });

  it('keeps the timeout text as written', () => {
    const d = decodeExit({
      ...x86({ code: 0, signal: null, timedOut: true, killed: false }),
      timeoutText: '10',
    });
    assert.equal(d.reason, 'timeout; duration=10');
  });
});

describe('decodeExit: EXIT: STATUS= arches (run_test_status)', () => {
  const line = (exitLineStatus: number | undefined, code = 0): DecodeInput => ({
    end: exited(code),
    channel: 'exit-line',
    stderr: [],
    ...(exitLineStatus === undefined ? {} : { exitLineStatus }),
    timeoutText: '90s',
  });
  it('STATUS=1 → PASS, 3 → FAIL, 77 → SKIP, none → FAIL', () => {
    assert.equal(decodeExit(line(1)).verdict, 'PASS');
    assert.equal(decodeExit(line(3)).status, 3);
    assert.equal(decodeExit(line(77)).verdict, 'SKIP');
    assert.equal(decodeExit(line(undefined)).status, 1);
  });
  it('is only consulted when the fixed status is 1', () => {
    assert.equal(decodeExit(line(1, 2)).status, 2);
  });
  it('parses the first number after STATUS=', () => {
    assert.equal(parseExitLine('EXIT: STATUS=77'), 77);
    assert.equal(parseExitLine('EXIT: cpu 1 STATUS=3 x'), 3);
    assert.equal(parseExitLine('not EXIT: STATUS=1'), undefined);
    assert.equal(parseExitLine('EXIT: nothing'), undefined);
  });
});

describe('signalName (bash kill -l)', () => {
  it('names Linux signals', () => {
    assert.equal(signalName(15), 'TERM');
    assert.equal(signalName(9), 'KILL');
    assert.equal(signalName(29), 'IO');
    assert.equal(signalName(34), 'RTMIN');
    assert.equal(signalName(36), 'RTMIN+2');
    assert.equal(signalName(64), 'RTMAX');
  });
});

describe('classifyStartupFailure (premature-failure semantics from the real run)', () => {
  const base = { stdoutLines: 0, kernel: 'x86/tsc.flat', status: 1 };
  it('QEMU configuration errors are SKIP with the last output line', () => {
    const stderr = [
      'qemu-system-x86_64: warning: x',
      "qemu-system-x86_64: CPU model 'host' requires KVM or HVF",
    ];
    assert.equal(
      classifyStartupFailure({ ...base, stderr, output: stderr }),
      "qemu-system-x86_64: CPU model 'host' requires KVM or HVF",
    );
  });
  it("QEMU aborting before the guest prints (134) is SKIP with run_qemu's 'QEMU Aborted', as upstream's probe", () => {
    const stderr = [
      'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69',
      "kvm.c:3183: Assertion `ret' failed.",
    ];
    const output = [...stderr, 'QEMU Aborted'];
    assert.equal(classifyStartupFailure({ ...base, status: 134, stderr, output }), 'QEMU Aborted');
    assert.equal(classifyStartupFailure({ ...base, status: 134, stdoutLines: 3, stderr, output }), undefined);
  });
  it('a kernel that fails to load is a real failure', () => {
    const stderr = ["qemu: could not load kernel 'x86/tsc.flat': Bad ELF"];
    assert.equal(classifyStartupFailure({ ...base, stderr, output: stderr }), undefined);
  });
  it('QEMU aborting before the guest printed anything is SKIP (QEMU Aborted), as the probe sees it', () => {
    // Nested PVM KVM with -cpu max (rdpru, xsave, smap, memory): QEMU asserts while setting up MSRs.
    const stderr = [
      'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69',
      "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.",
      'QEMU Aborted',
    ];
    assert.equal(classifyStartupFailure({ ...base, status: 134, stderr, output: stderr }), 'QEMU Aborted');
    assert.equal(
      classifyStartupFailure({ ...base, status: 134, stdoutLines: 2, stderr, output: stderr }),
      undefined,
    );
  });
  it('guest output or another status means the guest ran', () => {
    const stderr = ['qemu: something'];
    assert.equal(classifyStartupFailure({ ...base, stdoutLines: 1, stderr, output: stderr }), undefined);
    assert.equal(classifyStartupFailure({ ...base, status: 3, stderr, output: stderr }), undefined);
    assert.equal(classifyStartupFailure({ ...base, stderr: [], output: [] }), undefined);
  });
});
