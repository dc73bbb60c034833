/**
 * `--firmware` and `VMUNIT_FIRMWARE` through `node bin/vmunit.js run` on a tree of tiny asm guests under
 * real QEMU (TCG): which test boots with what (dry run), the header and the record, and the errors.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { qemuSkip, skipUnless } from '../requirements.js';
import { buildGuest, FIRMWARE_CFG, findQboot, makeTree } from './e2e-helpers.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const qboot = findQboot();

describe('vmunit run --firmware', {
  skip:
    qemuSkip('qemu-system-x86_64', 'as', 'ld') ||
    skipUnless('dist', built ? false : 'dist/ not built') ||
    skipUnless('qemu', qboot === undefined ? 'QEMU has no qboot.rom (Debian: qemu-system-data)' : false),
}, () => {
  let tree = '';
  before(async () => {
    tree = await makeTree(['pass'], FIRMWARE_CFG);
    buildGuest('pass', join(tree, 'x86'), '0x9000', 'low');
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, 'run', '-C', tree, ...args], {
      cwd: tree,
      env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1', ...env },
      encoding: 'utf8',
    });

  it('auto: qboot for the plain test, SeaBIOS for a low image and a test adding a device', () => {
    const r = run(['-n', '--firmware', 'auto']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[0]?.includes(` -bios ${qboot} -kernel x86/pass.flat`), lines[0]);
    assert.doesNotMatch(lines[1] ?? '', /-bios/);
    assert.doesNotMatch(lines[2] ?? '', /-bios/);
    assert.match(r.stderr, /, firmware auto \(qboot \S+qboot\.rom\),/);
  });

  it('VMUNIT_FIRMWARE=qboot boots every test with qboot; the flag wins over it', () => {
    const env = run(['-n'], { VMUNIT_FIRMWARE: 'qboot' });
    assert.equal(env.stdout.split(' -bios ').length - 1, 3, env.stdout);
    const flag = run(['-n', '--firmware', 'seabios'], { VMUNIT_FIRMWARE: 'qboot' });
    assert.doesNotMatch(flag.stdout, /-bios/);
    assert.match(flag.stderr, /, firmware seabios,/);
  });

  it('records the run firmware and each test choice with the reason, verdicts unchanged', () => {
    const r = run(['--firmware', 'auto', '--results', 'fw']);
    assert.equal(r.stdout, 'PASS plain (2 tests)\nPASS lowimage (2 tests)\nPASS device (2 tests)\n');
    assert.equal(r.status, 0);
    const record = JSON.parse(readFileSync(join(tree, 'fw', 'record.json'), 'utf8'));
    assert.match(record.run.firmware, /^auto \(qboot /);
    const attrs = Object.fromEntries(
      record.tests.map((t: { name: string; attributes: Record<string, string> }) => [t.name, t.attributes]),
    );
    assert.equal(attrs.plain.firmware, 'qboot');
    assert.equal(attrs.lowimage.firmware, 'seabios');
    assert.match(attrs.lowimage['firmware.reason'], /over 0x9000/);
    assert.equal(attrs.device.firmware, 'seabios');
    assert.match(attrs.device['firmware.reason'], /PCI BARs/);
  });

  it('vmunit exec takes the same choice for one binary, and VMUNIT_FIRMWARE too', () => {
    const exec = (file: string, env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'exec', ...args, '--dry-run', file], {
        cwd: tree,
        env: { ...process.env, ACCEL: 'tcg', ...env },
        encoding: 'utf8',
      });
    assert.match(
      exec('x86/pass.flat', {}, '--firmware', 'auto').stdout,
      / -bios \S+qboot\.rom -kernel x86\/pass\.flat/,
    );
    assert.doesNotMatch(exec('x86/low.flat', { VMUNIT_FIRMWARE: 'auto' }).stdout, /-bios/);
    const real = spawnSync(process.execPath, [BIN, 'exec', '--firmware', 'qboot', 'x86/pass.flat'], {
      cwd: tree,
      env: { ...process.env, ACCEL: 'tcg' },
      encoding: 'utf8',
    });
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stdout, /-bios \S+qboot\.rom .*\nSUMMARY: 2 tests\n$/s);
  });

  it('an unknown name or a missing file is exit 2 with the source named', () => {
    const bad = run(['--firmware', 'ovmf', 'plain']);
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^vmunit: error: --firmware: unknown firmware 'ovmf'/m);
    const missing = run(['plain'], { VMUNIT_FIRMWARE: './no-such-bios.bin' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /firmware file \S*no-such-bios\.bin not found/);
  });
});
