/**
 * `vmunit new`: name checks, where the project is, cfg editing, the steps and their command lines (with a
 * recording exec), the CLI's exit status 2 on bad input. The real create → make → QEMU run through
 * bin/vmunit.js is in test/cli/new-command.test.ts.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { makefileStub, NEW_CFG_HEADER, projectDir } from '../../src/guest/new-project.js';
import {
  appendCfgSection,
  BUNDLED_SDK_DIR,
  type NewTestDeps,
  type NewTestRequest,
  newTest,
  newTestPaths,
  renderTemplate,
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

/** Deps whose exec and runTests record the command and answer with the given statuses in turn. */
function recorder(statuses: number[]): Recorder {
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
      runTests: async (args) => {
        calls.push(['vmunit run', ...args]);
        return statuses.shift() ?? 0;
      },
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
  it('defaults to ./tests under cwd, built into tests/build', () => {
    const p = newTestPaths(request({ dir: undefined, cwd: '/nowhere/proj', sdkDir: '/sdk' }));
    assert.equal(p.source, '/nowhere/proj/tests/mytest.c');
    assert.equal(p.cfg, '/nowhere/proj/tests/unittests.cfg');
    assert.equal(p.binary, '/nowhere/proj/tests/build/x86/mytest.flat');
  });
  it('puts a --dir project and its build/ under the given directory, relative to cwd', () => {
    const p = newTestPaths(request({ dir: 'proj', cwd: '/work', sdkDir: '/sdk' }));
    assert.equal(p.source, '/work/proj/mytest.c');
    assert.equal(p.buildDir, '/work/proj/build');
  });
  it('uses the arm64 cfg and build tree for --arch arm64', () => {
    const p = newTestPaths(request({ dir: undefined, cwd: '/nowhere', sdkDir: '/sdk', arch: 'arm64' }));
    assert.equal(p.cfg, '/nowhere/tests/unittests.arm64.cfg');
    assert.equal(p.binary, '/nowhere/tests/build/arm64/arm/mytest.flat');
  });
  it('uses the i386 cfg and build tree, with the x86 TEST_DIR, for --arch i386', () => {
    const p = newTestPaths(request({ dir: undefined, cwd: '/nowhere', sdkDir: '/sdk', arch: 'i386' }));
    assert.equal(p.cfg, '/nowhere/tests/unittests.i386.cfg');
    assert.equal(p.binary, '/nowhere/tests/build/i386/x86/mytest.flat');
  });
  it('refuses an architecture the SDK does not build', () => {
    assert.throws(() => newTestPaths(request({ arch: 'riscv64' })), usageError);
  });
});

describe('projectDir', () => {
  const files: Record<string, string> = {
    '/p/tests/unittests.cfg': NEW_CFG_HEADER,
    '/p/kut/x86/unittests.cfg': '# kvm-unit-tests\n[a]\nfile = a.flat\n',
    '/q/arm/unittests.arm64.cfg': `${NEW_CFG_HEADER}\n[x]\nfile = x.flat\n`,
  };
  const read = (path: string) => files[path];
  const names = ['unittests.cfg', 'unittests.arm64.cfg'];
  it('finds the nearest folder whose cfg vmunit new wrote, from cwd upward', () => {
    assert.equal(projectDir('/p/tests', undefined, names, read), '/p/tests');
    assert.equal(projectDir('/q/arm/deep/er', undefined, names, read), '/q/arm');
  });
  it('does not take a cfg it did not write (a kvm-unit-tests tree): ./tests instead', () => {
    assert.equal(projectDir('/p/kut/x86', undefined, names, read), '/p/kut/x86/tests');
    assert.equal(projectDir('/p', undefined, names, read), '/p/tests');
  });
  it('takes --dir as given, relative to cwd', () => {
    assert.equal(projectDir('/p/tests', '../other', names, read), '/p/other');
  });
  it('never writes into node_modules', () => {
    assert.throws(() => projectDir('/p', 'node_modules/vmunit/guest-sdk/examples', names, read), usageError);
    assert.throws(() => projectDir('/p/node_modules/vmunit', undefined, names, read), /under node_modules/);
  });
});

describe('makefileStub', () => {
  it('builds the folder against the given SDK, per ARCH, into build/', () => {
    const text = makefileStub('/opt/sdk/');
    assert.match(text, /^VMUNIT_SDK \?= \/opt\/sdk$/m);
    assert.match(
      text,
      /^\t\$\(MAKE\) -C \$\(VMUNIT_SDK\) .*ARCH=\$\(ARCH\) TESTS_DIR=\$\(CURDIR\) O=\$\(O\) \$@$/m,
    );
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
      ['vmunit run', '-C', join(dir, 'build'), 'mytest'],
    ]);
  });

  it('stops after the build and prints the run command with --no-run', async () => {
    const req = request({ run: false });
    const rec = recorder([0]);
    assert.equal(await newTest(req, rec.deps), 0);
    assert.equal(rec.calls.length, 1);
    assert.match(rec.output(), /^run it with: vmunit run -C \S+build mytest$/m);
  });

  it('gives a new project a Makefile stub, and leaves an existing Makefile alone', async () => {
    const req = request();
    await newTest(req, recorder([0, 0]).deps);
    assert.match(readFileSync(join(req.dir ?? '', 'Makefile'), 'utf8'), /^VMUNIT_SDK \?= /m);
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'Makefile'), 'all:\n');
    await newTest(request({ dir }), recorder([0, 0]).deps);
    assert.equal(readFileSync(join(dir, 'Makefile'), 'utf8'), 'all:\n');
  });

  it('passes extra run arguments before the test name', async () => {
    const rec = recorder([0, 0]);
    await newTest(request({ runArgs: ['-v'] }), rec.deps);
    assert.deepEqual(rec.calls[1]?.slice(0, 2), ['vmunit run', '-C']);
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

  it('exits 2 rather than write into node_modules', async () => {
    const r = await cli(['new', 'mine', '--dir', 'node_modules/vmunit/guest-sdk/examples', '--no-build']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /refusing to write into .*node_modules.*\(give --dir DIR in your project\)/);
    assert.ok(!existsSync(join(scratch, 'node_modules')));
  });
});
