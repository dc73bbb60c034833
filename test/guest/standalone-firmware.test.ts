/**
 * `vmunit standalone --firmware` and `VMUNIT_FIRMWARE` through `node bin/vmunit.js`, on a tree of tiny asm
 * guests: which script boots with what, the scripts run under real QEMU (TCG), and what a script does on a
 * QEMU without qboot.rom (a QEMU named by the QEMU variable whose data folders hold none).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { qemuSkip, skipUnless } from '../requirements.js';
import { buildGuest, FIRMWARE_CFG, findQboot, findQemu, makeTree } from './e2e-helpers.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const qboot = findQboot();

describe('vmunit standalone --firmware', {
  skip:
    qemuSkip('qemu-system-x86_64', 'as', 'ld', 'gzip', 'base64', 'sha256sum') ||
    skipUnless('dist', built ? false : 'dist/ not built') ||
    skipUnless('qemu', qboot === undefined ? 'QEMU has no qboot.rom (Debian: qemu-system-data)' : false),
}, () => {
  let tree = '';
  let work = '';
  before(async () => {
    tree = await makeTree(['pass'], FIRMWARE_CFG);
    buildGuest('pass', join(tree, 'x86'), '0x9000', 'low');
    work = mkdtempSync(join(tmpdir(), 'vmunit-sa-fw-'));
  });
  after(() => {
    rmSync(tree, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const write = (out: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, 'standalone', '-C', tree, '-o', join(work, out), ...args], {
      cwd: work,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
  const script = (out: string, name: string) => readFileSync(join(work, out, name), 'utf8');
  const runScript = (out: string, name: string, env: Record<string, string> = {}) =>
    spawnSync(join(work, out, name), [], {
      cwd: work,
      env: { ...process.env, ACCEL: 'tcg', ...env },
      encoding: 'utf8',
    });

  it('auto: the plain test boots qboot from the QEMU data folders, the others SeaBIOS with the reason', () => {
    const w = write('auto', ['--firmware', 'auto']);
    assert.equal(w.status, 0, w.stderr);
    assert.match(script('auto', 'plain'), /^vmunit_bios=qboot\.rom$/m);
    assert.match(script('auto', 'lowimage'), /^# ---- firmware: seabios \(the image loads at .*over 0x9000/m);
    assert.match(script('auto', 'device'), /^# ---- firmware: seabios \(.*PCI BARs\) ----$/m);
    const plain = runScript('auto', 'plain');
    assert.equal(plain.status, 0, plain.stdout + plain.stderr);
    // The folder as this QEMU lists it (`-L help` may say /usr/bin/../share/qemu).
    assert.match(plain.stdout, / -bios \/\S*\/qboot\.rom -kernel \S+\/pass\.flat /);
    const low = runScript('auto', 'lowimage');
    assert.equal(low.status, 0, low.stdout + low.stderr);
    assert.doesNotMatch(low.stdout, / -bios /);
  });

  it('VMUNIT_FIRMWARE=qboot gives every script qboot; the flag wins over it; no choice is SeaBIOS', () => {
    assert.equal(write('env', [], { VMUNIT_FIRMWARE: 'qboot' }).status, 0);
    for (const name of ['plain', 'lowimage', 'device'])
      assert.match(script('env', name), /^vmunit_bios=qboot\.rom$/m, name);
    assert.equal(write('flag', ['--firmware', 'seabios'], { VMUNIT_FIRMWARE: 'qboot' }).status, 0);
    assert.doesNotMatch(script('flag', 'plain'), /^vmunit_bios=|-bios @VMUNIT_BIOS@/m);
    assert.equal(write('none', []).status, 0);
    assert.doesNotMatch(script('none', 'plain'), /^vmunit_bios=|-bios @VMUNIT_BIOS@/m);
    assert.match(script('env', 'plain'), /^ {2}tcg:nopci\) vmunit_fixed=\(.* -bios @VMUNIT_BIOS@[ )]/m);
  });

  it('on a QEMU without qboot.rom: auto boots SeaBIOS, an explicit qboot is a SKIP saying why', () => {
    const fake = join(work, 'qemu-without-qboot');
    // The real QEMU, except that its data folders (-L help) hold no qboot.rom.
    writeFileSync(
      fake,
      `#!/bin/sh\n[ "$1" = -L ] && [ "$2" = help ] && { echo /nonexistent; exit 0; }\nexec '${findQemu()}' "$@"\n`,
    );
    chmodSync(fake, 0o755);
    const auto = runScript('auto', 'plain', { QEMU: fake });
    assert.equal(auto.status, 0, auto.stdout + auto.stderr);
    assert.doesNotMatch(auto.stdout, / -bios /);
    const strict = runScript('env', 'plain', { QEMU: fake });
    // As a QEMU lacking a required device: the run script exits 2, the premature-failure rule makes it SKIP.
    assert.equal(strict.status, 77, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /SKIP\S* plain \(\S+ has no qboot\.rom in its data folders/);
  });

  it('a file is passed as given (absolute); a missing one or an unknown name is exit 2 naming it', () => {
    const bios = join(work, 'my-bios.bin');
    writeFileSync(bios, readFileSync(qboot ?? ''));
    assert.equal(write('file', ['--firmware', './my-bios.bin']).status, 0);
    assert.ok(script('file', 'plain').includes(`vmunit_bios=${bios}\n`));
    assert.match(script('file', 'plain'), /^vmunit_bios_search=no$/m);
    const ran = runScript('file', 'plain');
    assert.equal(ran.status, 0, ran.stdout + ran.stderr);
    assert.ok(ran.stdout.includes(` -bios ${bios} `));
    const missing = write('missing', ['--firmware', './no-such.bin']);
    assert.equal(missing.status, 2);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^vmunit: error: firmware file \S*no-such\.bin not found/m);
    const bad = write('bad', [], { VMUNIT_FIRMWARE: 'ovmf' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /VMUNIT_FIRMWARE: unknown firmware 'ovmf'/);
  });

  it('vmunit install --firmware writes the same choice into the installed scripts', () => {
    const install = (prefix: string, args: string[]) =>
      spawnSync(process.execPath, [BIN, 'install', '-C', tree, '--prefix', join(work, prefix), ...args], {
        cwd: work,
        encoding: 'utf8',
      });
    const ok = install('inst', ['--firmware', 'auto']);
    assert.equal(ok.status, 0, ok.stderr);
    const tests = join(work, 'inst', 'share', 'vmunit', 'tests');
    assert.match(readFileSync(join(tests, 'plain'), 'utf8'), /^vmunit_bios=qboot\.rom$/m);
    assert.match(readFileSync(join(tests, 'device'), 'utf8'), /^# ---- firmware: seabios \(/m);
    const ran = spawnSync(join(tests, 'plain'), [], { cwd: work, env: { ...process.env, ACCEL: 'tcg' } });
    assert.equal(ran.status, 0, `${ran.stdout}${ran.stderr}`);
    assert.match(String(ran.stdout), / -bios \/\S*\/qboot\.rom /);
    const bad = install('bad', ['--firmware', 'ovmf']);
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /--firmware: unknown firmware 'ovmf'/);
  });
});
