import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  logFileName,
  prepareResultsDir,
  readPreviousDurations,
  TestLog,
  writeResultsJson,
} from '../../src/guest/logs.js';
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
    assert.deepEqual((await readdir(`${dir}.old`)).sort(), ['SUMMARY', 'second.log']);
    assert.deepEqual((await readdir(root)).sort(), ['logs', 'logs.old']);
  });

  it('results.json round-trips durations for the scheduler', async () => {
    const dir = await tmp();
    await writeResultsJson(
      dir,
      [{ name: 'a', verdict: 'PASS', reason: '(1 tests)', durationMs: 1234 }],
      true,
    );
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
