/**
 * Standalone scripts: quoting round-trips through bash, the payload decodes with base64/gzip, the fixed
 * QEMU arguments are the arch builder's, and — with QEMU (TCG) and guest-SDK binaries built at test time —
 * a script copied alone into an empty folder gives the run-script verdicts (0/77/3/127/124 and the
 * before-running skips with status 2), refuses a corrupted payload, and asks before a nodefault test.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GuestTestSpec } from '../../src/guest/cfg/spec.js';
import { x86_64 } from '../../src/guest/qemu/arch/x86.js';
import { buildFixedArgs } from '../../src/guest/qemu/args.js';
import { readRuntime, writeStandaloneTests } from '../../src/guest/standalone/build.js';
import {
  kernelFileName,
  renderStandalone,
  type StandaloneTree,
} from '../../src/guest/standalone/generate.js';
import { encodePayload, PAYLOAD_DELIMITER, sha256Hex } from '../../src/guest/standalone/payload.js';
import { VmunitError } from '../../src/util/errors.js';
import { buildSdkTree, customTree, runCli, sdkSkip, tempDir } from './sdk-tree.js';

function spec(over: Partial<GuestTestSpec>): GuestTestSpec {
  return {
    name: 't',
    file: 'x86/unittests.cfg',
    line: 1,
    kernel: 't.flat',
    smp: '',
    testArgs: '',
    qemuParams: '',
    kvmtoolParams: '',
    groups: [],
    arch: '',
    machine: '',
    check: '',
    accel: '',
    timeout: '',
    disabledIf: '',
    ...over,
  };
}

const TREE: StandaloneTree = {
  arch: 'x86_64',
  archName: 'x86_64',
  target: '',
  targetCpu: '',
  defaultCpu: '',
  firmware: '',
  environDefault: true,
  errata: [],
  buildHead: '',
};

const HOSTILE = `it's "$(touch PWNED)" \`id\` \\ $HOME\n  ; rm -rf / # é`;

/** Sources a script without running it and prints the named variables, one per line, NUL-separated. */
function sourcedValues(script: string, names: readonly string[]): string[] {
  const body = script.replace(/\nvmunit_main\nexit \$\?\n$/, '\n');
  assert.notEqual(body, script, 'the script ends with vmunit_main');
  const dir = tempDir('sa-src');
  try {
    writeFileSync(join(dir, 's.bash'), body);
    const show = names.map((n) => `printf '%s\\0' "$${n}"`).join('; ');
    const r = spawnSync('bash', ['-c', `source ./s.bash; ${show}`], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(spawnSync('test', ['-e', join(dir, 'PWNED')]).status, 1, 'nothing was executed');
    return r.stdout.split('\0').slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('standalone script rendering (no QEMU)', () => {
  let runtime = '';
  before(async () => {
    runtime = await readRuntime();
  });

  it('parses as bash and round-trips every cfg value byte for byte', () => {
    const s = spec({
      name: 'n',
      testArgs: HOSTILE,
      qemuParams: HOSTILE,
      check: HOSTILE,
      disabledIf: HOSTILE,
    });
    const { text } = renderStandalone({
      spec: { ...s, groups: ['a', HOSTILE] },
      tree: TREE,
      profile: x86_64,
      kernel: new Uint8Array([1, 2, 3]),
      runtime,
      generator: 'vmunit test',
    });
    assert.equal(spawnSync('bash', ['-n'], { input: text }).status, 0);
    const values = sourcedValues(text, [
      'vmunit_test_args',
      'vmunit_qemu_params',
      'vmunit_cfg_check',
      'vmunit_disabled_if',
      'vmunit_groups',
    ]);
    assert.deepEqual(values, [HOSTILE, HOSTILE, HOSTILE, HOSTILE, `a ${HOSTILE}`]);
  });

  it('embeds gzip+base64 that base64 -d | gzip -dc turns back into the binary, with its sha256', () => {
    const bytes = new Uint8Array(5000).map((_, i) => (i * 7919) % 251);
    const payload = encodePayload(bytes);
    assert.equal(payload.sha256, sha256Hex(bytes));
    assert.ok(payload.lines.every((l) => l.length <= 76 && !l.includes(PAYLOAD_DELIMITER)));
    const r = spawnSync('bash', ['-c', 'base64 -d | gzip -dc'], { input: `${payload.lines.join('\n')}\n` });
    assert.equal(r.status, 0);
    assert.deepEqual(new Uint8Array(r.stdout), bytes);
  });

  it('carries the arch builder’s fixed arguments for KVM and TCG, with and without pci-testdev', () => {
    const { text } = renderStandalone({
      spec: spec({}),
      tree: TREE,
      profile: x86_64,
      kernel: new Uint8Array([0]),
      runtime,
      generator: 'g',
    });
    const platform = {
      profile: x86_64,
      qemu: '',
      accel: 'tcg',
      accelProps: '@VMUNIT_ACCEL_PROPS@',
      host: 'x86_64',
      targetCpu: '',
      defaultCpu: '',
      firmware: '',
      machine: '@VMUNIT_MACHINE@',
      hasPciTestdev: false,
    };
    const tcg = buildFixedArgs(platform);
    assert.ok(tcg.includes('accel=tcg@VMUNIT_ACCEL_PROPS@'));
    assert.ok(text.includes(`tcg:nopci) vmunit_fixed=(${tcg.join(' ')}) ;;`));
    assert.match(
      text,
      /kvm:x86_64:pci\) vmunit_fixed=\(.*-device pci-testdev -machine accel=kvm@VMUNIT_ACCEL_PROPS@\)/,
    );
  });

  it('decides errata in bash exactly as the TypeScript environ builder does', async () => {
    const { kernelHasFix, parseKernelVersion } = await import('../../src/guest/qemu/environ.js');
    const versions = [
      '4.9',
      '4.9.0',
      '4.9.1',
      '4.8.99',
      '4.10',
      '5.6',
      '5.6.0-1',
      '4.9.2-3',
      '4.9.2-4',
      '6.18.44-fc-v657',
    ];
    const pairs = versions.flatMap((h) => versions.map((m) => [h, m] as const));
    const fns = runtime.match(
      /^vmunit_split_version\(\) \{[\s\S]*?^\}\n\n[\s\S]*?^vmunit_has_fix\(\) \{[\s\S]*?^\}$/m,
    )?.[0];
    assert.ok(fns, 'runtime.bash defines vmunit_split_version and vmunit_has_fix');
    const script = `${fns}
while read -r h m; do
  vmunit_split_version "$h"; host=("\${vmunit_ver[@]}"); vmunit_split_version "$m"
  if vmunit_has_fix "\${host[@]}" "\${vmunit_ver[@]}"; then echo y; else echo n; fi
done`;
    const r = spawnSync('bash', ['-c', script], {
      input: pairs.map((p) => p.join(' ')).join('\n') + '\n',
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const expected = pairs.map(([h, m]) =>
      kernelHasFix(parseKernelVersion(h), parseKernelVersion(m)) ? 'y' : 'n',
    );
    assert.deepEqual(r.stdout.trim().split('\n'), expected);
  });

  it('writes kvm-unit-tests’ "test kernel not present" script when the binary is missing', () => {
    const r = renderStandalone({
      spec: spec({ name: 'gone' }),
      tree: TREE,
      profile: x86_64,
      kernel: undefined,
      runtime,
      generator: 'g',
    });
    const run = spawnSync('bash', ['-c', r.text], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, 'skip gone (test kernel not present)\n');
  });

  it('refuses a tree with FIRMWARE (it would not travel with the script)', () => {
    assert.throws(
      () =>
        renderStandalone({
          spec: spec({}),
          tree: { ...TREE, firmware: '/x/fw.bin' },
          profile: x86_64,
          kernel: new Uint8Array([0]),
          runtime,
          generator: 'g',
        }),
      (e: unknown) => e instanceof VmunitError && e.code === 'CONFIG_INVALID',
    );
  });

  it('keeps only a safe file name for the extracted binary', () => {
    assert.equal(kernelFileName('msr.flat'), 'msr.flat');
    assert.equal(kernelFileName('sub/dir/a b$.flat'), 'a_b_.flat');
    assert.equal(kernelFileName(''), 'kernel');
    assert.equal(kernelFileName('..'), 'kernel');
  });
});

const CFG = `[pass]
file = hello.flat

[skip]
file = skip_demo.flat

[fail]
file = fail_demo.flat

[abort]
file = crash_demo.flat

[hang]
file = hello.flat
qemu_params = -S
timeout = 2s

[manual]
file = hello.flat
groups = nodefault

[args]
file = args.flat
test_args = 'alpha 42 --flag=x'

[arm_only]
file = hello.flat
arch = arm64

[disabled]
file = hello.flat
disabled_if = [ "$ACCEL" = tcg ]

[badcpu]
file = hello.flat
qemu_params = -cpu nonexistent

[target_qemu]
file = hello.flat
disabled_if = [[ "$TARGET" != qemu || "$ARCH_NAME" != x86_64 || "$KUT_STANDALONE" != yes ]]
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('standalone scripts under QEMU (TCG)', { skip: sdkSkip }, () => {
  let dir = '';
  let out = '';
  before(async () => {
    dir = tempDir('sa');
    const tree = customTree(buildSdkTree(dir), dir, CFG);
    out = join(dir, 'tests');
    await writeStandaloneTests({
      treeDir: tree,
      names: [],
      outDir: out,
      allowMissing: false,
      generator: 'g',
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Copies tests/<name> alone into an empty folder and runs it there with plain bash. */
  function runAlone(name: string, input = '', edit?: (text: string) => string): Run {
    const empty = join(dir, `alone-${name}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(empty);
    copyFileSync(join(out, name), join(empty, name));
    if (edit) writeFileSync(join(empty, name), edit(readFileSync(join(empty, name), 'utf8')));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ACCEL: 'tcg' };
    const r = spawnSync('bash', [name], { cwd: empty, env, input, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  const lastLine = (text: string): string => text.replace(/\n$/, '').split('\n').pop() ?? '';

  for (const [name, status, line] of [
    ['pass', 0, '\x1b[32mPASS\x1b[0m pass '],
    ['skip', 77, '\x1b[33mSKIP\x1b[0m skip '],
    ['fail', 3, '\x1b[31mFAIL\x1b[0m fail '],
    ['abort', 127, '\x1b[31mFAIL\x1b[0m abort '],
    ['args', 0, '\x1b[32mPASS\x1b[0m args '],
    ['hang', 124, '\x1b[31mFAIL\x1b[0m hang (timeout; duration=2s)'],
    ['arm_only', 2, '\x1b[33mSKIP\x1b[0m arm_only (arm64 only)'],
    ['disabled', 2, '\x1b[33mSKIP\x1b[0m disabled (disabled because: [ "$ACCEL" = tcg ])'],
    // config.mak's TARGET=qemu and ARCH_NAME are exported as mkstandalone.sh's scripts do.
    ['target_qemu', 0, '\x1b[32mPASS\x1b[0m target_qemu '],
  ] as const) {
    it(`${name}: status ${status}, "${line.replace(/\x1b\[\d+m/g, '')}"`, () => {
      const r = runAlone(name);
      assert.equal(r.status, status, `${r.stdout}\n${r.stderr}`);
      assert.equal(lastLine(r.stdout), line);
    });
  }

  it('badcpu: QEMU refuses the options → SKIP 77 with its last line (premature-failure probe)', () => {
    const r = runAlone('badcpu');
    assert.equal(r.status, 77);
    assert.match(lastLine(r.stdout), /^\x1b\[33mSKIP\x1b\[0m badcpu \(.*nonexistent.*\)$/);
  });

  it('shows guest output and the QEMU command line, with the binary under its own name', () => {
    const r = runAlone('pass');
    // The SDK tree has ENVIRON_DEFAULT=no: no `# -initrd` part.
    assert.match(
      r.stdout,
      /^timeout -k 1s --foreground 90s \S+qemu-system-x86_64 .*-machine accel=tcg -kernel \S+\/hello\.flat -smp 1 $/m,
    );
    assert.match(r.stdout, /^ok 1 /m);
  });

  it('refuses to run when a byte of the embedded binary is flipped', () => {
    const r = runAlone('pass', '', (text) => {
      const at = text.indexOf(`<<'${PAYLOAD_DELIMITER}'\n`) + 200;
      const c = text[at] === 'A' ? 'B' : 'A';
      return text.slice(0, at) + c + text.slice(at + 1);
    });
    assert.equal(r.status, 126);
    assert.match(r.stderr, /pass: embedded guest binary is corrupt \(expected sha256 [0-9a-f]{64}, got /);
    assert.doesNotMatch(r.stdout, /PASS|qemu-system/);
  });

  it('nodefault: </dev/null answers no (SKIP, status 2); "y" runs it', () => {
    const no = runAlone('manual');
    assert.equal(no.status, 2);
    assert.equal(lastLine(no.stdout), '\x1b[33mSKIP\x1b[0m manual (test marked as manual run only)');
    const yes = runAlone('manual', 'y\n');
    assert.equal(yes.status, 0);
    assert.equal(lastLine(yes.stdout), '\x1b[32mPASS\x1b[0m manual ');
  });

  it('nodefault: on a terminal it asks the question', {
    skip: spawnSync('script', ['--version']).status !== 0,
  }, () => {
    const file = join(out, 'manual');
    const r = spawnSync('script', ['-qec', `bash ${file}`, '/dev/null'], {
      input: 'n\n',
      encoding: 'utf8',
      env: { ...process.env, ACCEL: 'tcg' },
      timeout: 30_000,
    });
    assert.match(r.stdout, /Test marked not to be run by default, are you sure \(y\/N\)\? /);
    assert.match(r.stdout, /SKIP.* manual \(test marked as manual run only\)/);
  });
});

describe('vmunit standalone: bad input exits 2 with a clear message', { skip: sdkSkip }, () => {
  let dir = '';
  let tree = '';
  before(() => {
    dir = tempDir('sa-bad');
    tree = buildSdkTree(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('unknown test name', async () => {
    const r = await runCli(['standalone', '-C', tree, '-o', join(dir, 'o1'), 'hello', 'nope'], dir);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /^vmunit: error: unknown test 'nope': no \[nope\] section in \S+\/x86\/unittests\.cfg\n$/,
    );
  });

  it('missing binary (and --allow-missing writes upstream’s skip script instead)', async () => {
    rmSync(join(tree, 'x86', 'arith.flat'));
    const r = await runCli(['standalone', '-C', tree, '-o', join(dir, 'o2'), 'arith'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /test 'arith' needs \S+\/x86\/arith\.flat, which does not exist/);
    assert.match(r.stderr, /unittests\.cfg:\d+: /);
    const allowed = await runCli(
      ['standalone', '-C', tree, '-o', join(dir, 'o2'), '--allow-missing', 'arith'],
      dir,
    );
    assert.equal(allowed.status, 0, allowed.stderr);
    const run = spawnSync('bash', [join(dir, 'o2', 'arith')], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, 'skip arith (test kernel not present)\n');
  });

  it('unwritable output folder', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    const r = await runCli(['standalone', '-C', tree, '-o', join(dir, 'a-file', 'sub'), 'hello'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot write to output folder \S+a-file\/sub/);
  });

  it('not a configured tree', async () => {
    const r = await runCli(['standalone', '-C', dir, '-o', join(dir, 'o3')], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /config\.mak not found/);
  });
});

const hasAarch64 = spawnSync('qemu-system-aarch64', ['--version'], { stdio: 'ignore' }).status === 0;

describe('standalone script for arm64 (qemu-system-aarch64, TCG)', {
  skip: hasAarch64 ? false : 'needs qemu-system-aarch64',
}, () => {
  it('builds arm/run’s command line (mach-virt, chr-testdev, -cpu max) and times out a guest that never exits', async () => {
    const { arm64 } = await import('../../src/guest/qemu/arch/arm.js');
    const s = spec({
      name: 'selftest-setup',
      kernel: 'selftest.flat',
      smp: '2',
      testArgs: "'setup smp=2 mem=256'",
      qemuParams: '-m 256',
    });
    const { text } = renderStandalone({
      spec: s,
      tree: { ...TREE, arch: 'arm64', archName: 'aarch64', target: 'qemu', defaultCpu: 'max' },
      profile: arm64,
      // Zeros are not a guest: the vCPU spins on them, so only the timeout can end the run.
      kernel: new Uint8Array(4096),
      runtime: await readRuntime(),
      generator: 'g',
    });
    const dir = tempDir('sa-arm');
    try {
      writeFileSync(join(dir, 't'), text);
      const r = spawnSync('bash', ['t'], {
        cwd: dir,
        env: { PATH: process.env.PATH, TIMEOUT: '1s' },
        encoding: 'utf8',
      });
      assert.equal(r.status, 124, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /qemu-system-aarch64 -nodefaults -machine virt -accel tcg -cpu max -device virtio-serial-device -device virtconsole,chardev=ctd -chardev testdev,id=ctd -device pci-testdev -display none -serial stdio -kernel \S+\/selftest\.flat -smp 2 -append setup smp=2 mem=256 -m 256 # -initrd \S+\n/,
      );
      assert.match(r.stdout, /FAIL\x1b\[0m selftest-setup \(timeout; duration=1s\)\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
