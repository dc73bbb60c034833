/**
 * The on-disk cache of QEMU's probe answers: the pure key and file checks, and through `node bin/vmunit.js
 * run` with a QEMU (named by the QEMU variable, as a user would) that logs every start before running the
 * real qemu-system-x86_64: a warm cache asks QEMU nothing, a changed binary (size or mtime) and a corrupt
 * file are asked again and rewritten.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cacheDir, cachedCapture, parseCacheFile } from '../../../src/guest/qemu/probe-cache.js';
import { qemuSkip, skipUnless } from '../../requirements.js';
import { findQemu, makeTree } from '../e2e-helpers.js';

const BIN = resolve(import.meta.dirname, '../../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../../dist/cli/main.js'));

describe('probe cache: where and what', () => {
  it('VMUNIT_CACHE_DIR, else an absolute XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(cacheDir({ VMUNIT_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' }), '/c');
    assert.equal(cacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }), '/x/vmunit');
    assert.equal(cacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' }), '/h/.cache/vmunit');
    assert.equal(cacheDir({}), undefined);
  });

  it('answers only for the same path, size and mtime; garbage and other shapes are empty', () => {
    const key = { path: '/q', size: 10, mtimeMs: 5 };
    const answers = { '--help': { stdout: 'QEMU', stderr: '', code: 0 }, bad: { stdout: 1 } };
    const text = JSON.stringify({ format: 1, ...key, answers });
    assert.deepEqual([...parseCacheFile(text, key).keys()], ['--help']);
    assert.equal(parseCacheFile(text, { ...key, size: 11 }).size, 0);
    assert.equal(parseCacheFile(text, { ...key, mtimeMs: 6 }).size, 0);
    assert.equal(parseCacheFile(text, { ...key, path: '/other' }).size, 0);
    assert.equal(parseCacheFile('{"format":1', key).size, 0);
    assert.equal(parseCacheFile('null', key).size, 0);
    assert.equal(parseCacheFile(JSON.stringify({ format: 2, ...key, answers }), key).size, 0);
  });

  it('keeps only answers of probes that exited 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-cache-'));
    try {
      let asked = 0;
      const inner = async (_file: string, args: readonly string[]) => {
        asked++;
        return { stdout: args.join(' '), stderr: '', code: args[0] === 'bad' ? 1 : 0 };
      };
      const capture = cachedCapture(inner, dir);
      const binary = process.execPath;
      await capture(binary, ['good']);
      await capture(binary, ['bad']);
      await capture.settled();
      const again = cachedCapture(inner, dir);
      assert.equal((await again(binary, ['good'])).stdout, 'good');
      await again(binary, ['bad']);
      assert.equal(asked, 3, 'the good answer came from the file, the failed one was asked again');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('vmunit run: QEMU probes cached on disk', {
  skip: qemuSkip('qemu-system-x86_64', 'as', 'ld') || skipUnless('dist', built ? false : 'dist/ not built'),
}, () => {
  let tree = '';
  let work = '';
  let wrapper = '';
  let starts = '';
  let cache = '';
  before(async () => {
    tree = await makeTree(['pass'], '[plain]\nfile = pass.flat\n');
    work = mkdtempSync(join(tmpdir(), 'vmunit-cache-'));
    starts = join(work, 'starts.log');
    cache = join(work, 'cache');
    wrapper = join(work, 'qemu-system-x86_64');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${starts}'\nexec '${findQemu()}' "$@"\n`);
    chmodSync(wrapper, 0o755);
  });
  after(() => {
    rmSync(tree, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** A dry run (probes, no test QEMU); returns its output and the QEMU starts it caused. */
  const dryRun = () => {
    rmSync(starts, { force: true });
    const r = spawnSync(process.execPath, [BIN, 'run', '-n', '-C', tree], {
      cwd: tree,
      env: { ...process.env, ACCEL: 'tcg', QEMU: wrapper, VMUNIT_CACHE_DIR: cache },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const asked = existsSync(starts) ? readFileSync(starts, 'utf8').trimEnd().split('\n') : [];
    return { stdout: r.stdout, asked };
  };
  const cacheFile = () => {
    const files = readdirSync(cache);
    assert.equal(files.length, 1, files.join(' '));
    return join(cache, files[0] ?? '');
  };

  it('a cold run asks QEMU and writes the cache; a warm run asks nothing and prints the same', () => {
    const cold = dryRun();
    assert.ok(cold.asked.includes('--help'), cold.asked.join('\n'));
    assert.ok(
      cold.asked.some((a) => a.includes('-device ?')),
      cold.asked.join('\n'),
    );
    const stored = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    assert.equal(stored.path, wrapper);
    const warm = dryRun();
    assert.deepEqual(warm.asked, []);
    assert.equal(warm.stdout, cold.stdout);
    assert.match(warm.stdout, /-kernel x86\/pass\.flat/);
  });

  it('a binary with another mtime or size is probed again and the file rewritten', () => {
    dryRun();
    const later = new Date(Date.now() + 60_000);
    utimesSync(wrapper, later, later);
    const touched = dryRun();
    assert.ok(touched.asked.includes('--help'), 'stale after a new mtime');
    assert.equal(JSON.parse(readFileSync(cacheFile(), 'utf8')).mtimeMs, statSync(wrapper).mtimeMs);
    assert.deepEqual(dryRun().asked, [], 'and warm again');
    writeFileSync(wrapper, `${readFileSync(wrapper, 'utf8')}# grown\n`);
    utimesSync(wrapper, later, later);
    assert.ok(dryRun().asked.includes('--help'), 'stale after a new size, same mtime');
  });

  it('a corrupt cache file is ignored and replaced by a whole one', () => {
    dryRun();
    writeFileSync(cacheFile(), '{"format":1,"answers":{"--help"');
    const r = dryRun();
    assert.ok(r.asked.includes('--help'));
    assert.equal(JSON.parse(readFileSync(cacheFile(), 'utf8')).format, 1);
    assert.deepEqual(
      readdirSync(cache).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary left',
    );
  });
});
