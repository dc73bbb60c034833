import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fakeTree, normalize, removeTempDirs, vmunit } from './helpers.js';

after(removeTempDirs);

describe('vmunit kunit config (fake tree, real make)', () => {
  it('generates .config once, keeps it while the kunitconfig is unchanged, regenerates when it changes', async () => {
    const tree = await fakeTree();
    const first = await vmunit(tree, ['kunit', 'config']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      normalize(first.stdout),
      'Configuring KUnit Kernel ...\nGenerating .config ...\nPopulating config with:\n' +
        '$ make ARCH=um O=.kunit olddefconfig\nElapsed time: …\n\n',
    );
    const config = await readFile(join(tree, '.kunit/.config'), 'utf8');
    for (const line of ['CONFIG_KUNIT=y', 'CONFIG_VIRTIO_UML=y', 'CONFIG_UML_PCI_OVER_VIRTIO=y']) {
      assert.match(config, new RegExp(`^${line}$`, 'm'));
    }
    assert.equal(
      await readFile(join(tree, '.kunit/.kunitconfig'), 'utf8'),
      await readFile(join(tree, 'tools/testing/kunit/configs/default.config'), 'utf8'),
    );
    const lastUsed = await readFile(join(tree, '.kunit/last_used_kunitconfig'), 'utf8');
    assert.match(lastUsed, /^CONFIG_VIRTIO_UML=y\n(.*\n)*CONFIG_KUNIT_ALL_TESTS=y\n$/);

    const again = await vmunit(tree, ['kunit', 'config']);
    assert.equal(again.code, 0);
    assert.doesNotMatch(again.stdout, /Generating|Regenerating|Populating/);

    // Removing an option leaves .config a superset: only last_used_kunitconfig shows the change.
    await writeFile(join(tree, '.kunit/.kunitconfig'), 'CONFIG_KUNIT=y\nCONFIG_KUNIT_EXAMPLE_TEST=y\n');
    const changed = await vmunit(tree, ['kunit', 'config']);
    assert.equal(changed.code, 0);
    assert.match(changed.stdout, /^Regenerating \.config \.\.\.$/m);
  });

  it('names the options olddefconfig dropped, with the UML hint, and exits 1', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'config', '--kconfig_add', 'CONFIG_FAKE_NEEDS_HARDWARE=y']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^ERROR:root:Not all Kconfig options selected in kunitconfig were in the generated \.config\./m,
    );
    assert.match(r.stderr, /^Missing: CONFIG_FAKE_NEEDS_HARDWARE=y$/m);
    assert.match(r.stderr, /"--arch=x86_64"/);
  });

  it('reports make olddefconfig failing as a config failure carrying make output', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'config', '--arch', 'x86_64']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\$ make ARCH=x86_64 O=\.kunit olddefconfig/);
    assert.match(r.stderr, /ERROR:root:fake kernel tree: ARCH=x86_64 is not supported/);
  });

  it('rejects conflicting kunitconfig files, naming both values and the file (exit 2)', async () => {
    const tree = await fakeTree();
    await writeFile(join(tree, 'other.kunitconfig'), '# CONFIG_FAKE_FAIL_TEST is not set\n');
    const r = await vmunit(tree, [
      'kunit',
      'config',
      '--kunitconfig',
      'lib/fake',
      '--kunitconfig',
      'other.kunitconfig',
    ]);
    assert.equal(r.code, 2);
    assert.ok(
      r.stderr.includes(
        `Multiple values specified for 1 options in kunitconfig:\nCONFIG_FAKE_FAIL_TEST=y\n  vs from ${join(tree, 'other.kunitconfig')}\n# CONFIG_FAKE_FAIL_TEST is not set`,
      ),
      r.stderr,
    );
  });

  it('rejects a missing kunitconfig and a bad line with file and line number', async () => {
    const tree = await fakeTree();
    const missing = await vmunit(tree, ['kunit', 'config', '--kunitconfig', 'nope']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Specified kunitconfig \(.*nope\) does not exist/);
    await writeFile(join(tree, 'bad.kunitconfig'), 'CONFIG_KUNIT=y\nKUNIT_BROKEN\n');
    const bad = await vmunit(tree, ['kunit', 'config', '--kunitconfig', 'bad.kunitconfig']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.kunitconfig:2: Failed to parse: KUNIT_BROKEN/);
  });

  it('rejects an unknown arch listing the known ones', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'config', '--arch', 'vax']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /vax is not a valid arch, options are \[.*'x86_64'\]/);
  });
});

describe('vmunit kunit build and run (fake tree)', () => {
  it('runs config → build → exec → parse and prints what kunit.py prints', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'run', '--jobs', '2']);
    assert.equal(r.code, 0, r.stderr);
    const out = normalize(r.stdout);
    assert.ok(
      out.startsWith(
        'Configuring KUnit Kernel ...\nGenerating .config ...\nPopulating config with:\n$ make ARCH=um O=.kunit olddefconfig\n' +
          'Building KUnit Kernel ...\nPopulating config with:\n$ make ARCH=um O=.kunit olddefconfig\n' +
          'Building with:\n$ make all compile_commands.json ARCH=um O=.kunit --jobs=2\n' +
          'Starting KUnit Kernel (1/1)...\n============================================================\n' +
          'Running tests with:\n$ .kunit/linux kunit.enable=1 mem=1G console=tty kunit_shutdown=halt\n' +
          '=================== example (5 subtests) ===================\n[PASSED] example_simple_test\n',
      ),
      out,
    );
    assert.match(out, /^Testing complete\. Ran 13 tests: passed: 11, skipped: 2$/m);
    assert.match(
      r.stdout,
      /Elapsed time: \d+\.\d{3}s total, \d+\.\d{3}s configuring, \d+\.\d{3}s building, \d+\.\d{3}s running\n\n$/,
    );
    const log = await readFile(join(tree, '.kunit/test.log'), 'utf8');
    assert.match(log, /^Kernel command line: kunit\.enable=1 mem=1G console=tty kunit_shutdown=halt$/m);
    assert.match(log, /^reboot: System halted$/m);
  });

  it('stops at a failed build, printing make stderr, and never boots', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, [
      'kunit',
      'run',
      '--kconfig_add',
      'CONFIG_FAKE_BUILD_ERROR=y',
      '--json=out.json',
    ]);
    assert.equal(r.code, 1);
    await assert.rejects(readFile(join(tree, 'out.json')), /ENOENT/);
    assert.match(r.stderr, /ERROR:root:lib\/fake\/broken\.c:3:1: error: expected ';'/);
    assert.doesNotMatch(r.stdout, /Starting KUnit Kernel|Elapsed time/);
  });

  it('prints build warnings and goes on', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'build', '--kconfig_add', 'CONFIG_FAKE_BUILD_WARNING=y']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /warning: unused variable 'x'/);
    assert.match(normalize(r.stdout), /Elapsed time: …\n\n$/);
  });

  it('exits 1 when a test fails and shows the failure log', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'run', '--kconfig_add', 'CONFIG_FAKE_FAIL_TEST=y']);
    assert.equal(r.code, 1);
    const out = normalize(r.stdout);
    assert.match(out, /^# fail_failing_case: EXPECTATION FAILED at lib\/fake\/fail_suite\.c:20\n/m);
    assert.match(out, /^\[FAILED\] fail_failing_case$/m);
    assert.match(out, /^Testing complete\. Ran 15 tests: passed: 12, failed: 1, skipped: 2$/m);
  });

  it('prints the decode hint after a crash in a single boot', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'run', '--kconfig_add', 'CONFIG_FAKE_CRASH_TEST=y']);
    assert.equal(r.code, 1);
    assert.match(normalize(r.stdout), /^\[CRASHED\] $/m);
    assert.match(r.stdout, /Ran 15 tests: passed: 12, crashed: 1, skipped: 2, errors: 2/);
    assert.match(
      r.stdout,
      /^\$ scripts\/decode_stacktrace\.sh \.kunit\/vmlinux \.kunit < \.kunit\/test\.log \| tee \.kunit\/decoded\.log \| vmunit kunit parse$/m,
    );
  });
});
