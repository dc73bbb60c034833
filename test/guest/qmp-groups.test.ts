/**
 * Migration and panic tests through the real entry point (`node bin/vmunit.js run`) on guest-SDK examples
 * under real QEMU (x86_64, TCG): a guest migrated twice passes, a migration QEMU refuses fails with QEMU's
 * reason, a guest that never asks fails like run_migration, pvpanic gives the panic verdict, and nothing is
 * left behind (QEMU processes, sockets, temporary files) after success, failure or Ctrl-C.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSdkTree, customTree, QMP_GROUP_CFG, sdkSkip, tempDir } from './sdk-tree.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const skip = sdkSkip || (built ? false : 'dist/ not built (npm run build)');
if (skip && process.env.VMUNIT_REQUIRE?.includes('qemu')) throw new Error(`VMUNIT_REQUIRE=qemu: ${skip}`);

let dir = '';
let tree = '';
/** TMPDIR of the vmunit processes, to prove they leave nothing there. */
let tmp = '';

const cfg = (shm: string): string => `${QMP_GROUP_CFG}
[migrate_blocked]
file = migrate.flat
qemu_params = -object memory-backend-file,id=hm,size=1M,share=on,mem-path=${shm} -device ivshmem-plain,memdev=hm
groups = migration

[migrate_paused]
file = migrate.flat
qemu_params = -S
groups = migration
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function vmunit(args: readonly string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'run', '-C', tree, ...args], {
      env: { ...process.env, ACCEL: 'tcg', TMPDIR: tmp, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (status) => done({ status, stdout, stderr }));
    onStart?.(child);
  });
}

/** QEMU processes started for this tree that are still alive. */
function leftoverQemus(): string[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-af', 'qemu-system'], { encoding: 'utf8' });
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return out.split('\n').filter((l) => l.includes(tmp) || l.includes(tree));
}

function resultLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^(PASS|FAIL|SKIP) /.test(l))
    .sort();
}

describe('migration and panic groups under real QEMU', { skip }, () => {
  before(() => {
    dir = tempDir('qmp-groups');
    tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    tree = customTree(buildSdkTree(dir), dir, cfg(join(dir, 'ivshmem.shm')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates twice, reports refusals and panics with run_tests.sh verdicts, and leaves nothing', async () => {
    const r = await vmunit(['-j2', 'migrate', 'migrate_blocked', 'never_asks', 'pvpanic', 'no_panic_device']);
    assert.deepEqual(resultLines(r.stdout), [
      'FAIL migrate_blocked (migration failed: ' +
        "Migration is disabled when using feature 'peer mode' in device 'ivshmem')",
      'FAIL never_asks (1 tests)',
      'FAIL no_panic_device (1 tests, 1 unexpected failures)',
      'PASS migrate (3 tests)',
      'PASS pvpanic ',
    ]);
    assert.equal(r.status, 1, r.stderr);
    // stderr: the run header, then the totals line.
    assert.match(
      r.stderr,
      /^vmunit: tree .*\nvmunit: 5 tests \(2 passed, 3 failed\), .* in [\d.]+ s; logs in \S+\n$/,
    );
    const log = readFileSync(join(tree, 'logs', 'migrate.log'), 'utf8');
    // Each QEMU's command line, pasteable: the monitor, on an fd only vmunit's child has, after a '#'.
    const monitor =
      / # QMP monitor \(vmunit's socket pair\): -chardev socket,id=mon,fd=3 -mon chardev=mon,mode=control$/;
    const source = log.match(/^vmunit: source QEMU: .*$/gm) ?? [];
    assert.equal(source.length, 1);
    assert.match(source[0] ?? '', monitor);
    assert.doesNotMatch((source[0] ?? '').split(' # ')[0] ?? '', /-chardev socket|-mon /);
    // One destination per request: both QEMUs' command lines are in the log.
    const destinations = log.match(/^vmunit: destination QEMU: .* -incoming unix:\S+ # .*$/gm) ?? [];
    assert.equal(destinations.length, 2);
    for (const d of destinations) assert.match(d, monitor);
    assert.equal(log.match(/^# Migration complete$/gm)?.length, 2);
    assert.match(
      readFileSync(join(tree, 'logs', 'migrate_blocked.log'), 'utf8'),
      /^ERROR: Migration failed\.$/m,
    );
    assert.match(
      readFileSync(join(tree, 'logs', 'never_asks.log'), 'utf8'),
      /^ERROR: Test exit before migration point\.$/m,
    );
    assert.match(readFileSync(join(tree, 'logs', 'pvpanic.log'), 'utf8'), /^PASS: guest panicked$/m);
    assert.match(
      readFileSync(join(tree, 'logs', 'no_panic_device.log'), 'utf8'),
      /^FAIL: guest did not panic$/m,
    );
    assert.deepEqual(leftoverQemus(), []);
    assert.deepEqual(readdirSync(tmp), [], 'no socket or temporary file left');
  });

  it('Ctrl-C during a migration ends both QEMUs and removes the sockets (exit 130)', async () => {
    const r = await vmunit(['migrate_paused'], (child) => {
      const log = join(tree, 'logs', 'migrate_paused.log');
      const poll = setInterval(() => {
        if (existsSync(log) && readFileSync(log, 'utf8').includes('destination QEMU')) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      }, 50);
    });
    assert.equal(r.status, 130, r.stderr);
    assert.deepEqual(leftoverQemus(), []);
    assert.deepEqual(readdirSync(tmp), [], 'no socket or temporary file left');
  });
});
