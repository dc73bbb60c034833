import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseUnittestsCfg } from '../../src/guest/cfg/parse.js';
import type { GuestTestSpec } from '../../src/guest/cfg/spec.js';
import { treeConfigFromVars } from '../../src/guest/config-mak.js';
import { harnessShellVars, resolveGuestEnv } from '../../src/guest/env.js';
import type { SelectFs, Selection, SelectOptions } from '../../src/guest/select.js';
import {
  decideTest,
  findWord,
  formatTestList,
  listTests,
  parseDuration,
  selectTest,
  smpCount,
  timeoutHint,
  verboseCommandLine,
} from '../../src/guest/select.js';
import { VmunitError } from '../../src/util/errors.js';
import { kutTree } from '../requirements.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/cfg/select.cfg');
const SPECS = parseUnittestsCfg(readFileSync(FIXTURE, 'utf8'), FIXTURE);
/** A real, empty directory (bash runs there); its files are simulated by memFs. */
const TREE = mkdtempSync(join(tmpdir(), 'vmunit-select-'));
after(() => rmSync(TREE, { recursive: true, force: true }));
type Env = Readonly<Record<string, string | undefined>>;
const BASE_ENV: Env = { PATH: process.env.PATH, ACCEL: 'tcg', MACHINE: 'pc', MAX_SMP: '3' };

/** An in-memory tree: x86/present.flat and checkfile ("1\n"). */
const memFs: SelectFs = {
  isFile: async (p) => p === join(TREE, 'x86/present.flat') || p === join(TREE, 'checkfile'),
  readText: async (p) => (p === join(TREE, 'checkfile') ? '1\n' : undefined),
};

function options(over: Partial<SelectOptions> = {}, env: Env = BASE_ENV) {
  const tree = treeConfigFromVars(TREE, { ARCH: 'x86_64', TEST_DIR: 'x86', GEN_SE_HEADER: '' });
  const guestEnv = resolveGuestEnv(env, { onlineCpus: 2 });
  const base: SelectOptions = {
    tests: [],
    groups: [],
    all: false,
    arch: 'x86_64',
    testDir: 'x86',
    target: 'qemu',
    configEfi: false,
    genSeHeader: '',
    env: guestEnv,
    shellVars: harnessShellVars(env, tree, guestEnv),
  };
  return { ...base, ...over };
}

function spec(name: string, specs: readonly GuestTestSpec[] = SPECS): GuestTestSpec {
  const s = specs.find((t) => t.name === name);
  assert.ok(s, name);
  return s;
}

async function select(
  name: string,
  over: Partial<SelectOptions> = {},
  env: Env = BASE_ENV,
): Promise<Selection> {
  return selectTest(spec(name), options(over, env), { treeDir: TREE, fs: memFs });
}

function describeSelection(s: Selection): string {
  return s.kind === 'skip' ? `SKIP (${s.reason})` : s.kind === 'run' ? 'RUN' : 'FILTERED';
}

/** What run_tests.sh prints for each section of select.cfg (ACCEL=tcg MACHINE=pc MAX_SMP=3, no options). */
const EXPECTED: ReadonlyArray<readonly [string, string]> = [
  ['runs', 'RUN'],
  ['pvhost', 'SKIP (no gen-se-header available for pv-host test)'],
  ['nodef', 'SKIP (test marked as manual run only)'],
  ['archskip', 'SKIP (i386 only)'],
  ['archok', 'RUN'],
  ['machineskip', 'SKIP (q35 only)'],
  ['machineok', 'RUN'],
  ['accelskip', 'SKIP (kvm only, but ACCEL=tcg)'],
  ['accelprops', 'SKIP (tcg,thread=single only, but ACCEL=tcg)'],
  ['accelok', 'RUN'],
  ['disabled', 'SKIP (disabled because: [[ "$ACCEL" == tcg ]] && [[ "$machine" == pc ]])'],
  ['notdisabled', 'RUN'],
  ['checkfail', 'SKIP (/nonexistent/file not equal to Y)'],
  ['checkvalue', 'SKIP (./checkfile not equal to 2)'],
  ['checkok', 'RUN'],
  ['missing', "SKIP (Test file 'x86/doesnotexist.flat' not found)"],
  ['nofile', "SKIP (Test file '' not found)"],
  ['order', 'SKIP (test marked as manual run only)'],
  ['expand', 'RUN'],
  ['comment', 'RUN'],
  ['unquoted', 'RUN'],
  ['quoted', 'RUN'],
  ['final', 'RUN'],
];

/** The words run_tests.sh's eval passes to the run script after the kernel. */
const EXPECTED_ARGS: Readonly<Record<string, readonly string[]>> = {
  runs: ['-smp', '1'],
  expand: ['-smp', '3', '-append', 'a b', 'c', '-cpu', 'max', '-m', '256'],
  comment: ['-smp', '1', '-append', 'x y'],
  unquoted: ['-smp', '2,threads=2', '-append', 'a', 'b', '-device', 'pci-testdev'],
  quoted: ['-smp', '1', '-append', 'setup smp=2 mem=256', '-cpu', 'qemu64,+x2apic'],
};

describe('selectTest: run() decision order and reason strings', () => {
  for (const [name, expected] of EXPECTED) {
    it(`[${name}] → ${expected}`, async () => {
      assert.equal(describeSelection(await select(name)), expected);
    });
  }

  it('covers every section of the fixture', () => {
    assert.deepEqual(
      EXPECTED.map(([n]) => n),
      SPECS.map((s) => s.name),
    );
  });
});

describe('selectTest: the resolved test', () => {
  for (const [name, args] of Object.entries(EXPECTED_ARGS)) {
    it(`[${name}] expands to ${JSON.stringify(args)}`, async () => {
      const s = await select(name);
      assert.equal(s.kind, 'run');
      if (s.kind === 'run') assert.deepEqual(s.test.vmmArgs, args);
    });
  }

  it('splits the expanded values into fields', async () => {
    const s = await select('expand');
    assert.ok(s.kind === 'run');
    const t = s.test;
    assert.equal(t.kernel, 'x86/present.flat');
    assert.equal(t.kernelPath, join(TREE, 'x86/present.flat'));
    assert.equal(t.smp, 3);
    assert.deepEqual(t.smpArgs, ['3']);
    assert.deepEqual(t.testArgs, ['a b', 'c']);
    assert.deepEqual(t.qemuParams, ['-cpu', 'max', '-m', '256']);
    assert.equal(t.target, 'qemu');
    assert.equal(t.machine, 'pc');
    assert.equal(t.accel, 'tcg');
    assert.equal(t.accelRequested, 'tcg');
    assert.equal(t.timeoutText, '10');
    assert.equal(t.timeoutMs, 10_000);
  });

  it('a comment in test_args drops qemu_params, as the eval does', async () => {
    const s = await select('comment');
    assert.ok(s.kind === 'run');
    assert.deepEqual(s.test.qemuParams, []);
  });

  it('uses the cfg accel with its props when ACCEL is unset', async () => {
    const s = await select('accelprops', {}, { ...BASE_ENV, ACCEL: undefined });
    assert.ok(s.kind === 'run');
    assert.equal(s.test.accel, 'tcg');
    assert.equal(s.test.accelProps, ',thread=single');
    assert.equal(s.test.accelRequested, 'tcg,thread=single');
  });

  it('lets ACCEL=kvm,props satisfy accel = kvm and win', async () => {
    const s = await select('accelskip', {}, { ...BASE_ENV, ACCEL: 'kvm,kernel_irqchip=on' });
    assert.ok(s.kind === 'run');
    assert.equal(s.test.accel, 'kvm');
    assert.equal(s.test.accelProps, ',kernel_irqchip=on');
  });

  it('uses the cfg machine when MACHINE is unset', async () => {
    const s = await select('machineskip', {}, { ...BASE_ENV, MACHINE: undefined });
    assert.ok(s.kind === 'run');
    assert.equal(s.test.machine, 'q35');
  });

  it('defaults the timeout to 90s; TIMEOUT overrides cfg; EFI adds 10 s to Ns', async () => {
    const plain = await select('runs');
    assert.ok(plain.kind === 'run');
    assert.equal(plain.test.timeoutText, '90s');
    assert.equal(plain.test.timeoutMs, 90_000);
    const env = await select('final', {}, { ...BASE_ENV, TIMEOUT: '5s' });
    assert.ok(env.kind === 'run');
    assert.equal(env.test.timeoutText, '5s');
    assert.equal(env.test.timeoutMs, 5_000);
    const efiFs: SelectFs = { ...memFs, isFile: async (p) => p === join(TREE, 'x86/present.efi') };
    const efi = await selectTest(spec('runs'), options({ configEfi: true }), { treeDir: TREE, fs: efiFs });
    assert.ok(efi.kind === 'run');
    assert.equal(efi.test.kernel, 'x86/present.efi');
    assert.equal(efi.test.timeoutText, '90s');
    assert.equal(efi.test.timeoutMs, 100_000);
    const off = await select('runs', {}, { ...BASE_ENV, TIMEOUT: '0' });
    assert.ok(off.kind === 'run');
    assert.equal(off.test.timeoutMs, 0);
  });

  it('rejects a timeout timeout(1) would reject, naming the section', async () => {
    const [bad] = parseUnittestsCfg('[t]\nfile = present.flat\ntimeout = 10x\n', 'bad.cfg');
    assert.ok(bad);
    await assert.rejects(selectTest(bad, options(), { treeDir: TREE, fs: memFs }), (e: unknown) => {
      assert.ok(e instanceof VmunitError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(e.message, /^bad\.cfg:1: \[t\] timeout = "10x"/);
      return true;
    });
  });

  it('uses --cpus/--params, kvmtool_params and the default opts for TARGET=kvmtool', async () => {
    const [k] = parseUnittestsCfg(
      '[k]\nfile = present.flat\nsmp = 2\ntest_args = x\nqemu_params = -m 1\nkvmtool_params = --mem 256\n',
      'k.cfg',
    );
    assert.ok(k);
    const s = await selectTest(k, options({ target: 'kvmtool' }), { treeDir: TREE, fs: memFs });
    assert.ok(s.kind === 'run');
    assert.equal(s.test.target, 'kvmtool');
    assert.deepEqual(s.test.vmmArgs, [
      '--cpus',
      '2',
      '--params',
      'x',
      '--nodefaults',
      '--network',
      'mode=none',
      '--loglevel=warning',
      '--mem',
      '256',
    ]);
  });
});

describe('selectTest: options', () => {
  it('filters by positional names (exact words)', async () => {
    assert.equal((await select('runs', { tests: ['run'] })).kind, 'filtered');
    assert.equal((await select('runs', { tests: ['other', 'runs'] })).kind, 'run');
  });

  it('filters by group; -g lifts the nodefault skip', async () => {
    assert.equal((await select('runs', { groups: ['g2'] })).kind, 'filtered');
    assert.equal((await select('runs', { groups: ['g1'] })).kind, 'run');
    assert.equal((await select('nodef', { groups: ['g1'] })).kind, 'run');
  });

  it('accepts several -g and comma lists (any group matches)', async () => {
    assert.equal((await select('runs', { groups: ['g2,g1'] })).kind, 'run');
    assert.equal((await select('nofile', { groups: ['g1', 'g2'] })).kind, 'skip');
    assert.equal((await select('archok', { groups: ['g1', 'g2'] })).kind, 'filtered');
  });

  it('-a runs nodefault tests', async () => {
    assert.equal((await select('nodef', { all: true })).kind, 'run');
  });

  it('runs pv-host tests when GEN_SE_HEADER is set', async () => {
    assert.equal((await select('pvhost', { genSeHeader: '/usr/bin/gen-se-header' })).kind, 'run');
  });

  it('CHECK replaces every cfg check', async () => {
    const env = { ...BASE_ENV, CHECK: './checkfile=7' };
    assert.equal(describeSelection(await select('checkok', {}, env)), 'SKIP (./checkfile not equal to 7)');
    assert.equal(describeSelection(await select('runs', {}, env)), 'SKIP (./checkfile not equal to 7)');
  });

  it('evaluates disabled_if on the last section too (run_tests.sh does not)', async () => {
    const specs = parseUnittestsCfg(
      '[a]\nfile = present.flat\n[last]\nfile = present.flat\ndisabled_if = true\n',
      'l',
    );
    const s = await selectTest(spec('last', specs), options(), { treeDir: TREE, fs: memFs });
    assert.equal(describeSelection(s), 'SKIP (disabled because: true)');
  });
});

describe('decideTest: values expand when the test starts', () => {
  it("the decision runs no expansion; each expand() runs the cfg's $(…) anew, as run_tests.sh at launch", async () => {
    const specs = parseUnittestsCfg(
      '[late]\nfile = present.flat\nextra_params = -append "$(date +%s%N)"\n',
      'l',
    );
    const d = await decideTest(spec('late', specs), options(), { treeDir: TREE, fs: memFs });
    assert.equal(d.kind, 'pending');
    if (d.kind !== 'pending') return;
    const first = (await d.expand()).qemuParams;
    await new Promise((r) => setTimeout(r, 5));
    const second = (await d.expand()).qemuParams;
    assert.equal(first[0], '-append');
    assert.notEqual(first[1], second[1]);
  });
});

describe('listTests, helpers', () => {
  it('lists every name in cfg order, honouring only -g', () => {
    assert.deepEqual(
      listTests(SPECS),
      SPECS.map((s) => s.name),
    );
    assert.deepEqual(listTests(SPECS, ['g1']), ['runs', 'nodef']);
    assert.deepEqual(listTests(SPECS, ['g1,g2']), ['runs', 'nodef', 'nofile']);
    assert.equal(formatTestList(SPECS, ['g2']), 'nofile\n');
  });

  it('findWord matches whole blank-separated words', () => {
    assert.equal(findWord('a', 'b a c'), true);
    assert.equal(findWord('a', 'ab'), false);
    assert.equal(findWord('a b', 'x a b'), true);
  });

  it('smpCount and parseDuration', () => {
    assert.equal(smpCount('8,threads=4'), 8);
    assert.equal(smpCount('cpus=2,sockets=1'), 2);
    assert.equal(smpCount(''), 1);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('30'), 30_000);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('s'), undefined);
    assert.equal(parseDuration('10 s'), undefined);
  });

  it('timeoutHint: the cfg timeout as written, the default for none or a value still to expand', () => {
    const hint = (timeout: string) => timeoutHint({ timeout } as GuestTestSpec);
    assert.equal(hint('180'), 180_000);
    assert.equal(hint(''), 90_000);
    assert.equal(hint('$(echo 300)'), 90_000);
    // No timeout at all (timeout(1)'s 0) may run longest of all.
    assert.equal(hint('0'), Number.MAX_SAFE_INTEGER);
  });

  it('renders the -v command line like run_tests.sh', async () => {
    const s = await select('quoted', {}, { ...BASE_ENV, MACHINE: '', ACCEL: '' });
    assert.ok(s.kind === 'run');
    assert.equal(
      verboseCommandLine(s.test, './x86/run'),
      "TESTNAME=quoted TIMEOUT=90s MACHINE= ACCEL= ./x86/run x86/present.flat -smp 1 -append 'setup smp=2 mem=256' -cpu qemu64,+x2apic",
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Cross-check: the real run_tests.sh on a throw-away tree whose run script records its argv.

const kut = kutTree();
const KUT = kut.dir ?? '';
const haveKut = kut.dir !== undefined;

/** A tree with kvm-unit-tests' scripts, select.cfg and a fake `fake/run` that records argv. */
function makeKutTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-select-kut-'));
  mkdirSync(join(dir, 'x86'));
  mkdirSync(join(dir, 'fake'));
  mkdirSync(join(dir, 'argv'));
  symlinkSync(join(KUT, 'scripts'), join(dir, 'scripts'));
  copyFileSync(join(KUT, 'run_tests.sh'), join(dir, 'run_tests.sh'));
  copyFileSync(FIXTURE, join(dir, 'x86/unittests.cfg'));
  writeFileSync(join(dir, 'x86/present.flat'), '');
  writeFileSync(join(dir, 'checkfile'), '1\n');
  writeFileSync(
    join(dir, 'config.mak'),
    'HOST=x86_64\nARCH=x86_64\nARCH_NAME=x86_64\nTEST_DIR=x86\nTEST_SUBDIR=fake\nPRETTY_PRINT_STACKS=no\n' +
      'ENVIRON_DEFAULT=no\nERRATATXT=\nCONFIG_EFI=\nGEN_SE_HEADER=\n',
  );
  const run = [
    '#!/usr/bin/env bash',
    'if [ "$1" = _NO_FILE_4Uhere_ ]; then',
    '  echo "qemu: could not open kernel file \'_NO_FILE_4Uhere_\': No such file or directory"; exit 1',
    'fi',
    'printf "%s\\0" "$@" > "argv/$TESTNAME"',
    'exit 0',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'fake/run'), run);
  chmodSync(join(dir, 'fake/run'), 0o755);
  return dir;
}

describe('selectTest against the real run_tests.sh', { skip: kut.skip }, () => {
  const dir = haveKut ? makeKutTree() : '';
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  function runKut(args: string[]): string {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/',
      ...BASE_ENV,
    } as NodeJS.ProcessEnv;
    const out = spawnSync('./run_tests.sh', args, { cwd: dir, env, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    return out.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  }

  it('prints the same verdict and reason for every section', async () => {
    const lines = runKut([])
      .split('\n')
      .filter((l) => l !== '');
    const theirs = new Map<string, string>();
    for (const line of lines) {
      const m = /^(PASS|SKIP|FAIL) (\S+) (?:\((.*)\))?\s*$/.exec(line);
      assert.ok(m, line);
      theirs.set(m[2] ?? '', m[1] === 'PASS' ? 'RUN' : `SKIP (${m[3]})`);
    }
    for (const s of SPECS) {
      const ours = await selectTest(s, options(), { treeDir: dir }); // the real files of the tree
      assert.equal(describeSelection(ours), theirs.get(s.name), s.name);
    }
  });

  it('passes the same argv to the run script', async () => {
    const recorded = readdirSync(join(dir, 'argv'));
    assert.ok(recorded.length >= 10, recorded.join(' '));
    for (const name of recorded) {
      const argv = readFileSync(join(dir, 'argv', name), 'utf8')
        .split('\0')
        .slice(0, -1);
      const ours = await selectTest(spec(name), options(), { treeDir: dir });
      assert.ok(ours.kind === 'run', name);
      assert.deepEqual([ours.test.kernel, ...ours.test.vmmArgs], argv, name);
    }
  });

  it('-l lists the same names, with and without -g', () => {
    assert.equal(runKut(['-l']), formatTestList(SPECS));
    assert.equal(runKut(['-l', '-g', 'g1']), formatTestList(SPECS, ['g1']));
  });

  it('-g and positional names select the same tests', async () => {
    const theirs = runKut(['-g', 'g1', 'runs', 'nodef', 'archok'])
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(' ')[1]);
    const ours: string[] = [];
    for (const s of SPECS) {
      const sel = await selectTest(s, options({ groups: ['g1'], tests: ['runs', 'nodef', 'archok'] }), {
        treeDir: dir,
      });
      if (sel.kind !== 'filtered') ours.push(s.name);
    }
    assert.deepEqual(ours, theirs);
  });
});
