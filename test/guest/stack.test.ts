/**
 * PRETTY_PRINT_STACKS: the pure parts (addresses, symbol file, addr2line output formatting) and, through
 * `node bin/vmunit.js run`, a guest-SDK crash whose `STACK:` line is resolved in the log and in the KTAP
 * report's failure detail with the real addr2line.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatResolved, stackAddresses, symbolFile } from '../../src/guest/stack.js';
import { qemuSkip } from '../requirements.js';
import { buildSdkTree, customTree, sdkSkip, tempDir } from './sdk-tree.js';

describe('STACK: lines (pure)', () => {
  it('takes return addresses one byte back and @-marked ones as they are', () => {
    assert.deepEqual(stackAddresses('\tSTACK: @1000ea 101fd0 1000be'), ['1000ea', '101fcf', '1000bd']);
    assert.deepEqual(stackAddresses('STACK: 0'), ['0']);
    assert.equal(stackAddresses('PASS: STACK: not at the start'), undefined);
  });

  it('finds the symbols beside the kernel', () => {
    assert.equal(symbolFile('x86/emulator.flat'), 'x86/emulator.elf');
    assert.equal(symbolFile('x86/emulator.efi'), 'x86/emulator.efi.debug');
    assert.equal(symbolFile('s390x/sie.elf'), 's390x/sie.elf');
  });

  it('prints paths relative to the tree, source context, and stops at the first unresolved line', async () => {
    const output = [
      '0x00000000004002be: start64 at /tree/x86/cstart64.S:3',
      ' (inlined by) test_x at /tree/x86/vmx.c:1 (discriminator 1)',
      '0x0000000000000010: ?? ??:0',
      'never printed at /tree/x.c:1',
    ].join('\n');
    const sources: Record<string, string[]> = {
      '/tree/x86/cstart64.S': ['a', 'b', 'c', 'd'],
      '/tree/x86/vmx.c': ['only'],
    };
    const lines = await formatResolved(output, '/tree', async (p) => sources[p]);
    assert.deepEqual(lines, [
      '0x00000000004002be: start64 at x86/cstart64.S:3',
      '        b',
      '      > c',
      '        d',
      ' (inlined by) test_x at x86/vmx.c:1 (discriminator 1)',
      '      > only',
      // addr2line's "?? ??:0" has no " at ": printed as is, and the rest is dropped (pretty_print_stacks.py).
      '0x0000000000000010: ?? ??:0',
    ]);
  });
});

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const addr2line = spawnSync('addr2line', ['--version']).status === 0;
const skip = sdkSkip || (!built && 'dist/ not built (npm run build)') || (!addr2line && 'needs addr2line');
if (skip && process.env.VMUNIT_REQUIRE?.includes('qemu')) throw new Error(`VMUNIT_REQUIRE=qemu: ${skip}`);

/** `vmunit run` of a tree under TCG, with a KTAP report written to `ktap`. */
function runKtap(tree: string, ktap: string) {
  return spawnSync(process.execPath, [BIN, 'run', '-C', tree, '--format', 'ktap', '--output', ktap], {
    env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1' },
    encoding: 'utf8',
  });
}

/** crash_demo faults in crash(), a leaf that is not inlined: its caller must follow it on the STACK: line. */
for (const arch of ['x86_64', 'i386'] as const) {
  const archSkip = skip || qemuSkip(arch === 'i386' ? 'qemu-system-i386' : 'qemu-system-x86_64');
  describe(`vmunit run resolves a crashing guest stack (${arch})`, { skip: archSkip }, () => {
    let dir = '';
    let tree = '';
    before(() => {
      dir = tempDir(`stack-${arch}`);
      tree = customTree(buildSdkTree(dir, arch), dir, '[crash_demo]\nfile = crash_demo.flat\n');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('names the faulting leaf and its caller, in the log and in the failure detail', () => {
      const ktap = join(dir, 'report.ktap');
      const r = runKtap(tree, ktap);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, 'FAIL crash_demo \n');
      assert.match(r.stderr, new RegExp(`arch ${arch}, accel tcg`));
      const log = readFileSync(join(tree, 'logs', 'crash_demo.log'), 'utf8');
      const stack =
        /^\tSTACK: @[0-9a-f]+( [0-9a-f]+)+\n0x[0-9a-f]{8,16}: crash at \S*examples\/crash_demo\.c:\d+\n(.*\n)*?0x[0-9a-f]{8,16}: main at \S*examples\/crash_demo\.c:\d+\n/m;
      assert.match(log, stack);
      assert.match(log, /^ {6}> \t__builtin_trap\(\);/m);
      assert.match(log, /^ {6}> \tcrash\(\);/m);
      assert.match(log, /: vmu_start at \S*arch\/x86_64\/setup\.c:\d+$/m);
      const report = readFileSync(ktap, 'utf8');
      assert.match(
        report,
        /^ *# STACK: @[0-9a-f]+ .*: crash at \S*crash_demo\.c:\d+ .*: main at \S*crash_demo\.c:\d+ /m,
      );
      assert.match(report, /^not ok 1 crash_demo$/m);
    });
  });
}

/** The negative examples issue 14 asks for, each with the frame its resolved STACK: line must name. */
const NEGATIVE: readonly { readonly name: string; readonly frames: readonly RegExp[] }[] = [
  // A supervisor write to a read-only page: the store in scribble(), a leaf main calls.
  {
    name: 'ro_write_demo',
    frames: [
      /^0x[0-9a-f]{16}: scribble at \S*examples\/ro_write_demo\.c:\d+$/m,
      /^0x[0-9a-f]{16}: main at \S*examples\/ro_write_demo\.c:\d+$/m,
    ],
  },
  // An IRQ on a vector with no handler, taken right after sti.
  { name: 'stray_irq_demo', frames: [/^ \(inlined by\) main at \S*examples\/stray_irq_demo\.c:\d+$/m] },
  // A #PF at CPL 3 that the caller of vmu_run_in_user() did not expect.
  { name: 'user_fault_demo', frames: [/^0x[0-9a-f]{16}: read_at at \S*examples\/user_fault_demo\.c:\d+$/m] },
];

describe('vmunit run fails the negative examples with a resolved stack', { skip }, () => {
  let dir = '';
  let tree = '';
  before(() => {
    dir = tempDir('negative');
    const cfg = NEGATIVE.map((n) => `[${n.name}]\nfile = ${n.name}.flat\n`).join('\n');
    tree = customTree(buildSdkTree(dir), dir, cfg);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('FAIL on stdout, the frame in the log and in the KTAP report', () => {
    const ktap = join(dir, 'report.ktap');
    const r = runKtap(tree, ktap);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, NEGATIVE.map((n) => `FAIL ${n.name} \n`).join(''));
    assert.match(r.stderr, /3 tests \(3 failed\)/);
    const report = readFileSync(ktap, 'utf8');
    NEGATIVE.forEach((n, i) => {
      const log = readFileSync(join(tree, 'logs', `${n.name}.log`), 'utf8');
      assert.match(log, /^# Unhandled exception \d+ /m, n.name);
      assert.match(log, /^\tSTACK: @[0-9a-f]+/m, n.name);
      for (const frame of n.frames) assert.match(log, frame, n.name);
      assert.match(report, new RegExp(`^not ok ${i + 1} ${n.name}$`, 'm'));
      assert.match(
        report,
        new RegExp(`# exit_status: 127\\n(.*\\n)*?.*# STACK: @[0-9a-f]+.* at \\S*${n.name}\\.c:\\d+`),
      );
    });
    // The user-mode fault is reported as one: the dump shows the user code segment (RPL 3).
    assert.match(
      readFileSync(join(tree, 'logs', 'user_fault_demo.log'), 'utf8'),
      /^# error_code=0x0004 .* cs=0x23 /m,
    );
  });
});
