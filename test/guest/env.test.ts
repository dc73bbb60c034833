import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { treeConfigFromVars } from '../../src/guest/config-mak.js';
import {
  DEFAULT_KVMTOOL_OPTS,
  effectiveTarget,
  harnessShellVars,
  hostOnlineCpus,
  resolveGuestEnv,
  splitAccel,
} from '../../src/guest/env.js';

const host = { onlineCpus: 4 };

describe('resolveGuestEnv', () => {
  it('gives run_tests.sh defaults for an empty environment', () => {
    const e = resolveGuestEnv({}, host);
    assert.equal(e.qemu, undefined);
    assert.equal(e.accelRaw, '');
    assert.equal(e.accel, '');
    assert.equal(e.accelProps, '');
    assert.equal(e.machine, '');
    assert.equal(e.timeout, '');
    assert.equal(e.check, '');
    assert.equal(e.maxSmp, '4');
    assert.equal(e.kvmtoolDefaultOpts, DEFAULT_KVMTOOL_OPTS);
    assert.equal(e.logDir, 'logs');
    assert.equal(e.runQueues, undefined);
    assert.equal(e.el2, false);
    assert.equal(e.standalone, false);
    assert.deepEqual(e.errata, {});
  });

  it('splits ACCEL=kvm,props like set_qemu_accelerator and ignores ACCEL_PROPS', () => {
    const e = resolveGuestEnv({ ACCEL: 'kvm,kernel_irqchip=on,x=y', ACCEL_PROPS: ',foo=bar' }, host);
    assert.equal(e.accelRaw, 'kvm,kernel_irqchip=on,x=y');
    assert.equal(e.accel, 'kvm');
    assert.equal(e.accelProps, ',kernel_irqchip=on,x=y');
    assert.equal(e.ignoredAccelProps, ',foo=bar');
  });

  it('reads the documented variables', () => {
    const e = resolveGuestEnv(
      {
        QEMU: '/opt/qemu/bin/qemu-system-x86_64',
        QEMU_ARCH: 'x86_64',
        KVMTOOL: '/usr/bin/lkvm',
        KVMTOOL_DEFAULT_OPTS: '--nodefaults',
        MACHINE: 'q35',
        TIMEOUT: '10s',
        CHECK: '/proc/x=1',
        MAX_SMP: '$((2*2))',
        TARGET: 'kvmtool',
        ERRATATXT: '/e.txt',
        ERRATA_FORCE: 'y',
        ERRATA_9e3f7a296940: 'n',
        ERRATA_NOTHEX: 'y',
        KVM_UNIT_TESTS_ENV: '/env',
        EL2: 'Y',
        unittest_log_dir: 'out',
        unittest_run_queues: '3',
        KUT_STANDALONE: 'yes',
        EFI_UEFI: '/ovmf.fd',
        only_group: 'leaks-in-run_tests.sh',
      },
      host,
    );
    assert.equal(e.qemu, '/opt/qemu/bin/qemu-system-x86_64');
    assert.equal(e.qemuArch, 'x86_64');
    assert.equal(e.kvmtool, '/usr/bin/lkvm');
    assert.equal(e.kvmtoolDefaultOpts, '--nodefaults');
    assert.equal(e.machine, 'q35');
    assert.equal(e.timeout, '10s');
    assert.equal(e.check, '/proc/x=1');
    assert.equal(e.maxSmp, '$((2*2))', 'MAX_SMP is eval text, kept raw');
    assert.equal(e.target, 'kvmtool');
    assert.equal(e.erratatxt, '/e.txt');
    assert.deepEqual(e.errata, { ERRATA_FORCE: 'y', ERRATA_9e3f7a296940: 'n' });
    assert.equal(e.kvmUnitTestsEnv, '/env');
    assert.equal(e.el2, true);
    assert.equal(e.logDir, 'out');
    assert.equal(e.runQueues, '3');
    assert.equal(e.standalone, true);
    assert.deepEqual(e.efi, { EFI_UEFI: '/ovmf.fd' });
    assert.equal(Object.values(e).includes('leaks-in-run_tests.sh'), false);
  });

  it('treats an empty MAX_SMP like unset (as := does) and keeps MAX_SMP>=1', () => {
    assert.equal(resolveGuestEnv({ MAX_SMP: '' }, host).maxSmp, '4');
    assert.equal(resolveGuestEnv({}, { onlineCpus: 0 }).maxSmp, '1');
  });

  it('hostOnlineCpus is a positive count', () => {
    assert.ok(hostOnlineCpus() >= 1);
  });
});

describe('splitAccel', () => {
  it('splits at the first comma', () => {
    assert.deepEqual(splitAccel('tcg,thread=single'), { name: 'tcg', props: ',thread=single' });
    assert.deepEqual(splitAccel('kvm'), { name: 'kvm', props: '' });
    assert.deepEqual(splitAccel(''), { name: '', props: '' });
  });
});

describe('effectiveTarget and harnessShellVars', () => {
  const x86 = treeConfigFromVars('/t', { ARCH: 'x86_64', TEST_DIR: 'x86', ERRATATXT: '/t/errata.txt' });
  const arm = treeConfigFromVars('/t', { ARCH: 'arm64', TEST_DIR: 'arm', TARGET: 'qemu' });

  it('config.mak TARGET wins over the environment, else env, else qemu', () => {
    assert.equal(effectiveTarget(arm, resolveGuestEnv({ TARGET: 'kvmtool' }, host)), 'qemu');
    assert.equal(effectiveTarget(x86, resolveGuestEnv({ TARGET: 'kvmtool' }, host)), 'kvmtool');
    assert.equal(effectiveTarget(x86, resolveGuestEnv({}, host)), 'qemu');
  });

  it('overlays config.mak on the environment, adds MAX_SMP, and ERRATA_FORCE for -a', () => {
    const env = { ERRATATXT: '/mine', ARCH: 'i386', HOME: '/root' };
    const vars = harnessShellVars(env, x86, resolveGuestEnv(env, host), true);
    assert.equal(vars.ERRATATXT, '/t/errata.txt');
    assert.equal(vars.ARCH, 'x86_64');
    assert.equal(vars.HOME, '/root');
    assert.equal(vars.MAX_SMP, '4');
    assert.equal(vars.ERRATA_FORCE, 'y');
    assert.equal(vars.TARGET, undefined, 'x86: TARGET stays unset, as in run_tests.sh');
    assert.equal(harnessShellVars({}, x86, resolveGuestEnv({}, host)).ERRATA_FORCE, undefined);
  });
});
