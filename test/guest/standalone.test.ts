/**
 * Standalone scripts under QEMU (TCG) with guest-SDK binaries built at test time: a script copied alone
 * into an empty folder gives the run-script verdicts (0/77/3/127/124 and the before-running skips with
 * status 2), refuses a corrupted payload (126), asks before a nodefault test; bad requests exit 2.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeStandaloneTests } from '../../src/guest/standalone/build.js';
import { PAYLOAD_DELIMITER } from '../../src/guest/standalone/payload.js';
import { VmunitError } from '../../src/util/errors.js';
import { runCli } from './cli-run.js';
import { buildSdkTree, customTree, sdkSkip, tempDir } from './sdk-tree.js';

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

  it('writes to TREE/tests by default, like make standalone, and says so', async () => {
    const r = await runCli(['standalone', '-C', tree, 'hello'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `Written ${join(tree, 'tests', 'hello')}.\n`);
  });

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

  it('as a library: says each written file through print, and an aborted signal writes nothing', async () => {
    const printed: string[] = [];
    const request = { treeDir: tree, names: ['hello'], allowMissing: false, generator: 'lib' };
    const entries = await writeStandaloneTests(
      { ...request, outDir: join(dir, 'lib') },
      { sinks: { print: (line) => printed.push(line) } },
    );
    assert.deepEqual(
      entries.map((e) => e.name),
      ['hello'],
    );
    assert.deepEqual(printed, [`Written ${join(dir, 'lib', 'hello')}.`]);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      writeStandaloneTests({ ...request, outDir: join(dir, 'lib-cut') }, { signal: controller.signal }),
      (e: unknown) => e instanceof VmunitError && e.code === 'INTERRUPTED',
    );
    assert.equal(existsSync(join(dir, 'lib-cut', 'hello')), false);
  });

  it('not a configured tree', async () => {
    const r = await runCli(['standalone', '-C', dir, '-o', join(dir, 'o3')], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /config\.mak not found/);
  });
});
