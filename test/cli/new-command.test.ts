/**
 * `vmunit new` end to end through bin/vmunit.js, as a user runs it in a project of their own: it creates
 * ./tests (cfg, NAME.c, Makefile stub), builds with the bundled SDK and runs the test under QEMU (TCG); a
 * second test from inside tests/ lands in the same project; the stub builds it again; arm64 the same way.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { distSkip, qemuSkip } from '../requirements.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/vmunit.js');
const scratch = mkdtempSync(join(tmpdir(), 'vmunit-new-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function vmunit(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ACCEL: 'tcg' },
  });
}

/** What a user of `vmunit new --arch arm64` may write: the arm64 SDK's MMU, EL0, GIC and IPI calls. */
const ARM64_USER_TEST = `#include "vmunit.h"
static uint64_t twice(uint64_t x) { return 2 * x; }
static void mark(void *flag) { *(volatile int *)flag = 1; }
int main(int argc, char **argv)
{
\tchar *page = alloc_page(), *alias = (char *)0x7000000000ul;
\tvolatile int flag = 0;
\tint ec;
\t(void)argc; (void)argv;
\tinstall_page(vmu_pgtable_root(), virt_to_phys(page), alias);
\t*alias = 42;
\treport(*page == 42, "alias");
\treport(vmu_run_in_user(twice, 21, &ec) == 42 && ec == -1, "el0");
\treport(gic_version() == 2, "gicv2");
\tvmu_send_ipi(0, mark, (void *)&flag);
\tirq_enable();
\tfor (int i = 0; i < 1000000 && !flag; i++) cpu_relax();
\tirq_disable();
\treport(flag == 1, "self ipi");
\treturn report_summary();
}
`;

const skip = distSkip() || qemuSkip('qemu-system-x86_64', 'make', 'gcc');

describe('vmunit new through bin/vmunit.js (make + QEMU, TCG)', { skip }, () => {
  const project = join(scratch, 'proj');
  mkdirSync(project);

  it('creates ./tests, builds the test and runs it: PASS, exit 0', () => {
    const r = vmunit(project, ['new', 'first']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = r.stdout.split('\n');
    assert.equal(out[0], 'created tests/first.c');
    assert.match(out[1] ?? '', /^added \[first\] to tests\/unittests\.cfg:\d+$/);
    assert.ok(out.includes('built tests/build/x86/first.flat'), r.stdout);
    assert.ok(out.includes('vmunit run -C tests/build first'), r.stdout);
    assert.ok(out.includes('PASS first (1 tests)'), r.stdout);
    assert.match(readFileSync(join(project, 'tests/Makefile'), 'utf8'), /^VMUNIT_SDK \?= .*guest-sdk$/m);
    assert.ok(!existsSync(join(ROOT, 'guest-sdk/examples/first.c')), 'wrote into the SDK');
  });

  it('adds a second test to the same project from inside it, and the stub builds both', () => {
    const tests = join(project, 'tests');
    const r = vmunit(tests, ['new', 'second', '--', '-v']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes('created second.c\n'), r.stdout);
    assert.match(r.stdout, /^PASS second \(1 tests\)$/m);
    assert.match(readFileSync(join(tests, 'unittests.cfg'), 'utf8'), /\[first\][\s\S]*\[second\]/);
    const make = spawnSync('make', ['-C', tests], { encoding: 'utf8' });
    assert.equal(make.status, 0, make.stdout + make.stderr);
    assert.ok(existsSync(join(tests, 'build/x86/second.flat')));
  });

  it('exits 2 when the name is taken', () => {
    const taken = vmunit(project, ['new', 'first']);
    assert.equal(taken.status, 2);
    assert.match(taken.stderr, /^vmunit: error: test "first" already exists: .*tests\/first\.c$/m);
  });

  it('does the same for --arch arm64', {
    skip: qemuSkip('qemu-system-aarch64', 'aarch64-linux-gnu-gcc'),
  }, () => {
    const r = vmunit(project, ['new', 'armed', '--arch', 'arm64']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^added \[armed\] to tests\/unittests\.arm64\.cfg:\d+$/m);
    assert.ok(r.stdout.includes('built tests/build/arm64/arm/armed.flat'), r.stdout);
    assert.match(r.stdout, /^PASS armed \(1 tests\)$/m);
  });

  it('builds an arm64 test of the project against the page-table, EL0, GIC and IPI calls, and runs it', {
    skip: qemuSkip('qemu-system-aarch64', 'aarch64-linux-gnu-gcc'),
  }, () => {
    const tests = join(project, 'tests');
    writeFileSync(join(tests, 'armed.c'), ARM64_USER_TEST);
    const make = spawnSync('make', ['-C', tests, 'ARCH=arm64'], { encoding: 'utf8' });
    assert.equal(make.status, 0, make.stdout + make.stderr);
    const r = vmunit(project, ['run', '-C', 'tests/build/arm64', 'armed']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'PASS armed (4 tests)\n');
  });

  it('does the same for --arch i386', { skip: qemuSkip('qemu-system-i386') }, () => {
    const r = vmunit(project, ['new', 'small', '--arch', 'i386']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^added \[small\] to tests\/unittests\.i386\.cfg:\d+$/m);
    assert.ok(r.stdout.includes('built tests/build/i386/x86/small.flat'), r.stdout);
    assert.match(r.stdout, /^PASS small \(1 tests\)$/m);
    assert.equal(r.stderr.includes('qemu-system-i386'), true, r.stderr);
  });
});
