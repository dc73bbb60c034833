/**
 * `vmunit new`: name checks, paths, cfg editing, the steps and their command lines (with a recording exec),
 * the CLI's exit status 2 on bad names, and one real scaffold → make → QEMU boot of the template.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import {
  appendCfgSection,
  BUNDLED_SDK_DIR,
  type NewTestDeps,
  type NewTestRequest,
  newTest,
  newTestPaths,
  renderTemplate,
  spawnForwarding,
  validateTestName,
} from '../../src/guest/new-test.js';
import { VmunitError } from '../../src/util/errors.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmunit-new-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
function freshDir(): string {
  counter += 1;
  return join(scratch, `p${counter}`);
}

function request(over: Partial<NewTestRequest> = {}): NewTestRequest {
  return {
    name: 'mytest',
    sdkDir: BUNDLED_SDK_DIR,
    dir: freshDir(),
    cwd: scratch,
    arch: 'x86_64',
    build: true,
    run: true,
    runArgs: [],
    ...over,
  };
}

interface Recorder {
  readonly deps: NewTestDeps;
  readonly calls: string[][];
  readonly output: () => string;
}

/** Deps whose exec records the command and answers with the given statuses in turn. */
function recorder(statuses: number[], runAvailable = true): Recorder {
  const calls: string[][] = [];
  let text = '';
  return {
    calls,
    output: () => text,
    deps: {
      out: (s) => {
        text += s;
      },
      exec: async (command, args) => {
        calls.push([command, ...args]);
        return statuses.shift() ?? 0;
      },
      runAvailable,
      cli: ['/usr/bin/node', '/pkg/bin/vmunit.js'],
      make: 'make',
    },
  };
}

function usageError(error: unknown): boolean {
  return error instanceof VmunitError && error.code === 'USAGE';
}

describe('validateTestName', () => {
  it('accepts C identifiers', () => {
    for (const name of ['foo', '_x1', 'vmx_tests', 'A']) validateTestName(name);
  });
  it('rejects anything else with a USAGE error', () => {
    for (const name of ['', '9x', 'a-b', 'a b', '../x', 'x.c', 'é', 'a'.repeat(65)]) {
      assert.throws(() => validateTestName(name), usageError, name);
    }
  });
});

describe('appendCfgSection and renderTemplate', () => {
  it('appends a section after one blank line, whatever the file ends with', () => {
    const section = '[n]\nfile = n.flat\n';
    assert.equal(appendCfgSection('', 'n', '.flat'), section);
    assert.equal(appendCfgSection('[a]', 'n', '.flat'), `[a]\n\n${section}`);
    assert.equal(appendCfgSection('[a]\n', 'n', '.flat'), `[a]\n\n${section}`);
    assert.equal(appendCfgSection('[a]\n\n', 'n', '.flat'), `[a]\n\n${section}`);
  });
  it('fills every @NAME@ of the template', () => {
    assert.equal(renderTemplate('@NAME@ and @NAME@', 'foo'), 'foo and foo');
  });
});

describe('newTestPaths', () => {
  it("defaults to the SDK's examples/ and build/", () => {
    const p = newTestPaths(request({ dir: undefined, sdkDir: '/sdk' }));
    assert.equal(p.source, '/sdk/examples/mytest.c');
    assert.equal(p.cfg, '/sdk/examples/unittests.cfg');
    assert.equal(p.binary, '/sdk/build/x86/mytest.flat');
  });
  it('puts a --dir project and its build/ under the given directory, relative to cwd', () => {
    const p = newTestPaths(request({ dir: 'proj', cwd: '/work', sdkDir: '/sdk' }));
    assert.equal(p.source, '/work/proj/mytest.c');
    assert.equal(p.buildDir, '/work/proj/build');
  });
  it('uses the arm64 cfg and build tree for --arch arm64', () => {
    const p = newTestPaths(request({ dir: undefined, sdkDir: '/sdk', arch: 'arm64' }));
    assert.equal(p.cfg, '/sdk/examples/unittests.arm64.cfg');
    assert.equal(p.binary, '/sdk/build/arm64/arm/mytest.flat');
  });
  it('refuses an architecture the SDK does not build', () => {
    assert.throws(() => newTestPaths(request({ arch: 'riscv64' })), usageError);
  });
});

describe('newTest steps', () => {
  it('creates the source and cfg section, runs make, then `vmunit run` and returns its status', async () => {
    const req = request();
    const rec = recorder([0, 3]);
    const status = await newTest(req, rec.deps);
    const dir = req.dir ?? '';
    assert.equal(status, 3);
    assert.match(readFileSync(join(dir, 'mytest.c'), 'utf8'), /report_prefix_push\("mytest"\)/);
    assert.match(readFileSync(join(dir, 'unittests.cfg'), 'utf8'), /\n\[mytest\]\nfile = mytest\.flat\n$/);
    assert.deepEqual(rec.calls, [
      [
        'make',
        ...['-C', BUNDLED_SDK_DIR.replace(/\/$/, ''), '--no-print-directory', 'ARCH=x86_64'],
        `TESTS_DIR=${dir}`,
        `O=${join(dir, 'build')}`,
      ],
      ['/usr/bin/node', '/pkg/bin/vmunit.js', 'run', '-C', join(dir, 'build'), 'mytest'],
    ]);
  });

  it('stops after the build and prints the run command when run is unavailable', async () => {
    const req = request();
    const rec = recorder([0], false);
    assert.equal(await newTest(req, rec.deps), 0);
    assert.equal(rec.calls.length, 1);
    assert.match(
      rec.output(),
      /run it with: vmunit run -C \S+ mytest \(this vmunit has no run command yet\)/,
    );
  });

  it('passes extra run arguments before the test name', async () => {
    const rec = recorder([0, 0]);
    await newTest(request({ runArgs: ['-v'] }), rec.deps);
    assert.deepEqual(rec.calls[1]?.slice(2, 4), ['run', '-C']);
    assert.deepEqual(rec.calls[1]?.slice(-2), ['-v', 'mytest']);
  });

  it('turns a failed make into BUILD_FAILED and does not run', async () => {
    const rec = recorder([2]);
    await assert.rejects(
      newTest(request(), rec.deps),
      (e: unknown) => e instanceof VmunitError && e.code === 'BUILD_FAILED',
    );
    assert.equal(rec.calls.length, 1);
  });

  it('refuses an existing source file or cfg section and leaves the files alone', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'unittests.cfg'), '# tests\n\n[taken]\nfile = taken.flat\n');
    writeFileSync(join(dir, 'mine.c'), 'int x;\n');
    const rec = recorder([]);
    await assert.rejects(
      newTest(request({ dir, name: 'taken' }), rec.deps),
      (e: unknown) => usageError(e) && /unittests\.cfg:3: section \[taken\] already exists/.test(String(e)),
    );
    await assert.rejects(newTest(request({ dir, name: 'mine' }), rec.deps), /already exists/);
    assert.equal(readFileSync(join(dir, 'mine.c'), 'utf8'), 'int x;\n');
    assert.ok(!existsSync(join(dir, 'taken.c')));
    assert.equal(rec.calls.length, 0);
  });
});

describe('vmunit new (CLI)', () => {
  async function cli(args: string[]): Promise<{ status: number; stderr: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const status = await main(['node', 'vmunit', ...args], {
      version: '0.0.0',
      stdout,
      stderr,
      stdin: new PassThrough(),
      env: {},
      cwd: scratch,
      signal: new AbortController().signal,
    });
    return { status, stderr: err };
  }

  it('exits 2 with a clear message for an invalid name', async () => {
    const r = await cli(['new', '9lives', '--dir', freshDir()]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /invalid test name "9lives": it must be a C identifier/);
  });

  it('exits 2 when the example already exists in the SDK', async () => {
    const r = await cli(['new', 'hello']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /test "hello" already exists: .*guest-sdk\/examples\/hello\.c/);
  });
});

const tools = ['make', 'gcc', 'qemu-system-x86_64'].filter(
  (c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status !== 0,
);

describe('vmunit new, built for real', {
  skip: tools.length > 0 ? `needs ${tools.join(', ')}` : false,
}, () => {
  it('scaffolds a test that builds with the SDK Makefile and passes under QEMU', async () => {
    const req = request({ name: 'scaffolded', run: false });
    const sink = new PassThrough();
    let log = '';
    sink.on('data', (c: Buffer) => {
      log += c.toString();
    });
    const status = await newTest(req, {
      out: (s) => sink.write(s),
      exec: spawnForwarding(sink, sink, process.env),
      runAvailable: false,
      cli: [process.execPath],
      make: 'make',
    });
    assert.equal(status, 0, log);
    const flat = join(req.dir ?? '', 'build', 'x86', 'scaffolded.flat');
    const qemu = spawnSync(
      'qemu-system-x86_64',
      [
        ...['-nodefaults', '-device', 'pc-testdev', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4'],
        ...['-vnc', 'none', '-serial', 'stdio', '-machine', 'accel=tcg', '-kernel', flat],
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(qemu.status, 1, qemu.stdout + qemu.stderr);
    assert.match(qemu.stdout, /^ok 1 scaffolded: one plus one is two\r$/m);
    assert.match(qemu.stdout, /^# SUMMARY: 1 tests\r$/m);
  });
});
