/**
 * The i386 guest SDK under `vmunit run` through bin/vmunit.js (TCG, qemu-system-i386): the examples that
 * need paging and user mode (PAE page tables, ring 3 through a 32-bit TSS and a DPL 3 gate) pass, the
 * host check that skips a whole test under a KVM that emulates CPL 0 code stays quiet under TCG, and the
 * negative examples of those areas fail with their STACK: line resolved to the faulting function.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { distSkip, qemuSkip } from '../requirements.js';
import { archTreeHooks, runNegative, vmunitRun } from './arch-tree.js';

const skip = distSkip() || qemuSkip('qemu-system-i386', 'make', 'gcc', 'addr2line');

/** The paging and user-mode examples, with how many checks each passes. */
const PASSING: readonly [string, number][] = [
  ['paging', 7],
  ['edu', 6],
  ['user_mode', 4],
];

/** The negative examples of those areas, each with the frame its resolved STACK: line must name. */
const NEGATIVE: readonly { readonly name: string; readonly frame: RegExp }[] = [
  { name: 'ro_write_demo', frame: /^0x[0-9a-f]{8}: scribble at \S*examples\/ro_write_demo\.c:\d+$/m },
  { name: 'user_fault_demo', frame: /^0x[0-9a-f]{8}: read_at at \S*examples\/user_fault_demo\.c:\d+$/m },
];

describe('i386 guest SDK paging and user mode under vmunit run (TCG)', { skip }, () => {
  const built = archTreeHooks('i386');

  it('passes paging, edu (DMA through virt_to_phys) and user_mode', () => {
    const r = vmunitRun(
      built().tree,
      PASSING.map(([name]) => name),
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, PASSING.map(([name, n]) => `PASS ${name} (${n} tests)\n`).join(''));
    assert.match(r.stderr, /arch i386, accel tcg/);
    // The host check found TCG ("TCGTCGTCGTCG"), not a KVM, and said nothing.
    const log = readFileSync(join(built().tree, 'logs', 'user_mode.log'), 'utf8');
    assert.doesNotMatch(log, /SKIP|emulates CPL 0/);
    assert.match(log, /^ok 1 user_mode: runs at CPL 3 and returns a value$/m);
  });

  it('fails the negative examples with a resolved stack in the log and the KTAP report', () => {
    const logs = runNegative(built(), NEGATIVE);
    for (const n of NEGATIVE) {
      assert.match(logs.get(n.name) ?? '', /^# Unhandled exception 14 #PF at ip 0x[0-9a-f]{8}$/m, n.name);
      assert.match(logs.get(n.name) ?? '', n.frame, n.name);
    }
    // A supervisor write to a read-only page (P|W, CPL 0) and a user read of a guard page (U, CS RPL 3).
    assert.match(logs.get('ro_write_demo') ?? '', /^# error_code=0x0003 .* cs=0x8 /m);
    assert.match(logs.get('user_fault_demo') ?? '', /^# error_code=0x0004 .* cs=0x23 /m);
  });
});
