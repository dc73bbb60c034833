import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fakeTree, normalize, removeTempDirs, vmunit } from './helpers.js';

after(removeTempDirs);

const KTAP_PASS = [
  'Booting the fake machine',
  'KTAP version 1',
  '1..1',
  '    KTAP version 1',
  '    # Subtest: q_suite',
  '    1..2',
  '    ok 1 q_one',
  '    ok 2 q_two # SKIP not on this machine',
  'ok 1 q_suite',
  'reboot: Restarting system',
].join('\n');

describe('QEMU boots (a stand-in qemu-system-* on PATH, --qemu_config JSON)', () => {
  it('runs the profile argv with kunit_shutdown=reboot and parses the serial output', async () => {
    const tree = await fakeTree();
    const bin = join(tree, 'bin');
    await mkdir(bin);
    const qemu = join(bin, 'qemu-system-fakearch');
    // Prints its argv (one per line, to check -append stays one word) and then KTAP.
    await writeFile(
      qemu,
      `#!/bin/sh\nfor a in "$@"; do echo "argv: $a"; done\ncat <<'KTAP'\n${KTAP_PASS}\nKTAP\n`,
    );
    await chmod(qemu, 0o755);
    await writeFile(
      join(tree, 'fake-qemu.json'),
      JSON.stringify({
        linux_arch: 'fakearch',
        kconfig: 'CONFIG_SERIAL_FAKE=y',
        qemu_arch: 'fakearch',
        kernel_path: 'arch/fake/boot/Image',
        kernel_command_line: 'console=ttyFAKE0',
        extra_qemu_params: ['-machine', 'virt'],
      }),
    );
    const r = await vmunit(
      tree,
      [
        'kunit',
        'exec',
        '--qemu_config',
        'fake-qemu.json',
        '--qemu_args',
        '-smp 2',
        '--kernel_args',
        'a=1',
        'q*',
      ],
      { PATH: `${bin}:${process.env.PATH}` },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = normalize(r.stdout);
    assert.ok(
      out.includes(
        "$ qemu-system-fakearch -nodefaults -m 1024 -kernel .kunit/arch/fake/boot/Image -append 'a=1 kunit.filter_glob=q* kunit.enable=1 console=ttyFAKE0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -smp 2\n",
      ),
      out,
    );
    assert.match(out, /^Testing complete\. Ran 2 tests: passed: 1, skipped: 1$/m);
    const log = await readFile(join(tree, '.kunit/test.log'), 'utf8');
    assert.match(
      log,
      /^argv: a=1 kunit\.filter_glob=q\* kunit\.enable=1 console=ttyFAKE0 kunit_shutdown=reboot$/m,
    );
  });
});

describe('vmunit kunit parse', () => {
  it('exits 1 for an all-skipped log (kunit.py parse quirk) but 0 when something passed', async () => {
    const tree = await fakeTree();
    const skipped = KTAP_PASS.replace('    ok 1 q_one', '    ok 1 q_one # SKIP too');
    await writeFile(join(tree, 'skipped.log'), skipped);
    await writeFile(join(tree, 'pass.log'), KTAP_PASS);
    const s = await vmunit(tree, ['kunit', 'parse', 'skipped.log']);
    assert.equal(s.code, 1);
    assert.match(normalize(s.stdout), /^Testing complete\. Ran 2 tests: skipped: 2$/m);
    const p = await vmunit(tree, ['kunit', 'parse', '--json=out.json', 'pass.log']);
    assert.equal(p.code, 0);
    assert.match(p.stdout, /Test results stored in .*out\.json$/m);
    const doc = JSON.parse(await readFile(join(tree, 'out.json'), 'utf8')) as {
      sub_groups: { name: string }[];
      arch: string;
    };
    assert.equal(doc.sub_groups[0]?.name, 'q_suite');
    assert.equal(doc.arch, '');
  });

  it('reads stdin, and --raw_output prints the KTAP part (or everything) with exit 0', async () => {
    const tree = await fakeTree();
    const fromStdin = await vmunit(tree, ['kunit', 'parse'], {}, KTAP_PASS);
    assert.equal(fromStdin.code, 0);
    const raw = await vmunit(tree, ['kunit', 'parse', '--raw_output'], {}, KTAP_PASS);
    assert.equal(raw.code, 0);
    // No KTAP end marker here (`Restarting system` is not one), so extraction runs to the end.
    assert.equal(raw.stdout, `${KTAP_PASS.split('\n').slice(1).join('\n')}\n`);
    const all = await vmunit(tree, ['kunit', 'parse', '--raw_output=all'], {}, KTAP_PASS);
    assert.equal(all.stdout, `${KTAP_PASS}\n`);
  });

  it('fails to parse a log without KTAP with exit 1', async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'parse'], {}, 'just boot noise\n');
    assert.equal(r.code, 1);
    assert.match(
      normalize(r.stdout),
      /^\[ERROR\] Test: <missing>: Could not find any KTAP output\. Did any KUnit tests run\?$/m,
    );
  });
});
