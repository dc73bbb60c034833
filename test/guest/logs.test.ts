import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  LOG_FLUSH_MS,
  logFileName,
  prepareResultsDir,
  ResultsFile,
  readPreviousDurations,
  TestLog,
  writeResultsJson,
} from '../../src/guest/logs.js';
import type { VmunitError } from '../../src/util/errors.js';
import { pathInside } from '../../src/util/paths.js';

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'vmunit-logs-'));

describe('log file names cannot escape the results folder', () => {
  it('keeps upstream names and neutralises separators and dot names', () => {
    assert.equal(logFileName('access-reduced-maxphyaddr'), 'access-reduced-maxphyaddr.log');
    assert.equal(logFileName('../../etc/passwd'), '_.._.._etc_passwd.log');
    assert.equal(logFileName('..'), '_...log');
    assert.equal(logFileName('a/b'), 'a_b.log');
    assert.equal(logFileName('a\\b'), 'a_b.log');
    assert.equal(logFileName(''), '_.log');
  });

  it('pathInside refuses escapes', () => {
    assert.throws(() => pathInside('/r', '../x'), { code: 'PATH_ESCAPE' });
    assert.throws(() => pathInside('/r', '/etc/passwd'), { code: 'PATH_ESCAPE' });
    assert.throws(() => pathInside('/r', '.'), { code: 'PATH_ESCAPE' });
    assert.equal(pathInside('/r', 'a.log'), '/r/a.log');
  });

  it('a hostile test name writes inside the folder', async () => {
    const root = await tmp();
    const dir = join(root, 'logs');
    await mkdir(dir);
    for (const name of ['../evil', '../../evil2', '/abs', '..', '.hidden']) {
      const log = new TestLog(dir, name);
      log.line('x');
      await log.close();
    }
    assert.deepEqual((await readdir(root)).sort(), ['logs']);
    assert.equal((await readdir(dir)).length, 5);
  });
});

describe('results folder', () => {
  it('rotates to .old (one generation) and writes SUMMARY', async () => {
    const root = await tmp();
    const dir = join(root, 'logs');
    await prepareResultsDir(dir, 'abc123');
    await writeFile(join(dir, 'first.log'), '1');
    await prepareResultsDir(dir, 'def456');
    await writeFile(join(dir, 'second.log'), '2');
    await prepareResultsDir(dir, '');
    assert.equal(await readFile(join(dir, 'SUMMARY'), 'utf8'), 'BUILD_HEAD=\n');
    assert.deepEqual((await readdir(`${dir}.old`)).sort(), ['.vmunit-results', 'SUMMARY', 'second.log']);
    assert.deepEqual((await readdir(root)).sort(), ['logs', 'logs.old']);
  });

  it('refuses a folder no run made (nothing moved or deleted), and a foreign .old', async () => {
    const root = await tmp();
    await writeFile(join(root, 'config.mak'), 'ARCH=x86_64\n');
    await assert.rejects(prepareResultsDir(root, ''), (e: VmunitError) => {
      assert.equal(e.code, 'OUTPUT_UNWRITABLE');
      assert.match(e.message, /exists and was not made by a vmunit run \(no \.vmunit-results\)/);
      return true;
    });
    assert.deepEqual(await readdir(root), ['config.mak']);
    const dir = join(root, 'logs');
    await prepareResultsDir(dir, '');
    await mkdir(`${dir}.old`);
    await writeFile(join(`${dir}.old`, 'precious.txt'), 'keep');
    await assert.rejects(prepareResultsDir(dir, ''), /previous results folder .*logs\.old exists/);
    assert.equal(await readFile(join(`${dir}.old`, 'precious.txt'), 'utf8'), 'keep');
  });

  it("rotates run_tests.sh's own logs folder (SUMMARY and *.log only) and uses an empty folder in place", async () => {
    const root = await tmp();
    const dir = join(root, 'logs');
    await mkdir(dir);
    await writeFile(join(dir, 'SUMMARY'), 'BUILD_HEAD=1da1819e\n');
    await writeFile(join(dir, 'setjmp.log'), 'x');
    await prepareResultsDir(dir, '');
    assert.deepEqual((await readdir(`${dir}.old`)).sort(), ['SUMMARY', 'setjmp.log']);
    const empty = join(root, 'empty');
    await mkdir(empty);
    await prepareResultsDir(empty, '');
    assert.deepEqual((await readdir(empty)).sort(), ['.vmunit-results', 'SUMMARY']);
  });

  it('a file where a parent folder should be: the cause (ENOTDIR) is kept', async () => {
    const root = await tmp();
    await writeFile(join(root, 'file'), '');
    await assert.rejects(prepareResultsDir(join(root, 'file', 'logs'), ''), (e: VmunitError) => {
      assert.match(e.message, /^cannot prepare results folder/);
      assert.equal((e.cause as NodeJS.ErrnoException).code, 'ENOTDIR');
      return true;
    });
  });

  it('results.json round-trips durations for the scheduler', async () => {
    const dir = await tmp();
    writeResultsJson(dir, [{ name: 'a', verdict: 'PASS', reason: '(1 tests)', durationMs: 1234 }], true);
    const d = await readPreviousDurations(dir);
    assert.equal(d.get('a'), 1234);
    assert.equal((await readPreviousDurations(join(dir, 'none'))).size, 0);
  });
});

describe('TestLog cap', () => {
  it('stops writing at the cap and says so', async () => {
    const dir = await tmp();
    const log = new TestLog(dir, 'flood', 1000);
    for (let i = 0; i < 10_000; i++) log.line('x'.repeat(50));
    await log.close();
    const text = await readFile(join(dir, 'flood.log'), 'utf8');
    assert.ok(text.length < 1100, `log is ${text.length} bytes`);
    assert.ok(text.endsWith('[vmunit: log truncated at 1000 bytes]\n'));
    assert.equal(log.truncated, true);
  });
});

describe('TestLog batching', () => {
  it('writes the lines of LOG_FLUSH_MS together, in order, and everything by close', async () => {
    const dir = await tmp();
    const log = new TestLog(dir, 'chunk');
    const path = join(dir, 'chunk.log');
    log.line('first');
    await new Promise((r) => setImmediate(r));
    log.line('second');
    assert.equal(readFileSync(path, 'utf8'), '', 'nothing written before LOG_FLUSH_MS is up');
    await new Promise((r) => setTimeout(r, LOG_FLUSH_MS + 50));
    assert.equal(await readFile(path, 'utf8'), 'first\nsecond\n');
    log.line('third');
    await log.close();
    assert.equal(await readFile(path, 'utf8'), 'first\nsecond\nthird\n');
  });

  it('a folder that is gone loses the log, not the run', async () => {
    const log = new TestLog(join(await tmp(), 'missing'), 'x');
    log.line('dropped');
    await log.close();
  });
});

describe('ResultsFile', () => {
  const result = (name: string) => ({ name, verdict: 'PASS' as const, reason: '', durationMs: 1 });
  const names = async (dir: string): Promise<{ names: string[]; complete: boolean }> => {
    const doc = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    return { names: doc.tests.map((t: { name: string }) => t.name), complete: doc.complete };
  };

  it('writes the first result at once, later ones at most a second apart, and all at the end', async () => {
    const dir = await tmp();
    const file = new ResultsFile(dir);
    file.add(result('a'));
    file.add(result('b'));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await names(dir), { names: ['a'], complete: false });
    await new Promise((r) => setTimeout(r, 1100));
    assert.deepEqual(await names(dir), { names: ['a', 'b'], complete: false });
    file.add(result('c'));
    await file.finish(true, 5, undefined);
    assert.deepEqual(await names(dir), { names: ['a', 'b', 'c'], complete: true });
  });
});
