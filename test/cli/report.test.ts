/**
 * `vmunit report` and the output grammar through the real entry point (bin/vmunit.js), without QEMU: a KTAP
 * log parsed with `--results` leaves a record that `report` renders as the parse rendered it; stdout holds
 * only the requested format; a closed pipe is quiet; a bad record names its file and line (exit 2).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseXml } from '../reporters/xml-check.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/vmunit.js');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const LOG = join(ROOT, 'test/fixtures/ktap/test_is_test_passed-failure.log');
const dir = mkdtempSync(join(tmpdir(), 'vmunit-report-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function vmunit(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

function headOne(...args: string[]) {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  return spawnSync('bash', ['-c', `node '${BIN}' ${quoted} | head -1; exit \${PIPESTATUS[0]}`], {
    encoding: 'utf8',
  });
}

describe('vmunit report (CLI)', { skip: !built && 'dist/ not built (npm run build)' }, () => {
  const results = join(dir, 'parsed');

  it('parse --results keeps a record; report renders the same JUnit as parse wrote', () => {
    const parsed = vmunit('parse', LOG, '--results', results, '--output', `junit:${join(dir, 'parse.xml')}`);
    assert.equal(parsed.status, 1, parsed.stderr);
    const reported = vmunit('report', results, '--format', 'none', '--output', join(dir, 'report.xml'));
    assert.equal(reported.status, 1, reported.stderr);
    assert.equal(readFileSync(join(dir, 'report.xml'), 'utf8'), readFileSync(join(dir, 'parse.xml'), 'utf8'));
    assert.match(
      reported.stdout,
      /^vmunit: 2 tests \(1 passed, 1 failed\), 10 checks \(9 passed, 1 failed\)\n$/,
    );
  });

  it('--baseline marks the tests whose verdict changed since another record', () => {
    // The baseline: the same log with its failing case turned into a pass.
    const fixedLog = join(dir, 'fixed.log');
    writeFileSync(fixedLog, readFileSync(LOG, 'utf8').replace(/^(\s*)not ok /gm, '$1ok '));
    const base = join(dir, 'base');
    assert.equal(vmunit('parse', fixedLog, '--results', base, '--format', 'none').status, 0);
    const r = vmunit('report', results, '--format', 'html', '--baseline', base);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /class="badge chg-regression" title="baseline: PASS">regression</);
    assert.match(r.stdout, /<b>1<\/b> regressions, <b>0<\/b> fixed/);
    const missing = vmunit('report', results, '--format', 'html', '--baseline', join(dir, 'nothing-here'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^vmunit: error: .*nothing-here/);
  });

  it('2>&1 | head -1 (stdout and stderr both closed) still ends with the command status', () => {
    const r = spawnSync(
      'bash',
      ['-c', `node '${BIN}' report '${results}' --format junit 2>&1 | head -1; exit \${PIPESTATUS[0]}`],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^<(\?xml|testsuite)/);
    assert.equal(r.stderr, '');
  });

  it('stdout holds only the requested format; the summary goes to stderr', () => {
    for (const format of ['junit', 'json', 'ktap', 'html']) {
      const r = vmunit('report', results, '--format', format);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^vmunit: 2 tests/, format);
      if (format === 'junit') assert.doesNotThrow(() => parseXml(r.stdout));
      if (format === 'json') assert.doesNotThrow(() => JSON.parse(r.stdout));
      if (format === 'ktap') assert.match(r.stdout, /^KTAP version 1\n1\.\.2\n/);
      if (format === 'html') assert.match(r.stdout, /^<!DOCTYPE html>/i);
    }
    const console = vmunit('report', results, '--format', 'console');
    assert.match(console.stdout, /Testing complete\. Ran 10 tests: passed: 9, failed: 1/);
  });

  it('| head -1 ends quietly with the status it would have had', () => {
    for (const args of [
      ['report', results, '--format', 'ktap'],
      ['parse', LOG],
      ['parse', LOG, '--format', 'junit'],
      ['kunit', 'parse', LOG, '--format', 'ktap'],
    ]) {
      const r = headOne(...args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout.split('\n').length, 2, args.join(' '));
      assert.doesNotMatch(r.stderr, /EPIPE|Error|\n\s+at /, args.join(' '));
    }
  });

  it('kunit parse --results keeps the same record as vmunit parse', () => {
    const k = vmunit('kunit', 'parse', LOG, '--results', join(dir, 'kparsed'));
    assert.equal(k.status, 1, k.stderr);
    const a = JSON.parse(readFileSync(join(results, 'record.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(dir, 'kparsed', 'record.json'), 'utf8'));
    assert.deepEqual(b.tests, a.tests);
    assert.deepEqual(b.counts, a.counts);
  });

  it('a bad record is exit 2 with FILE:LINE and the cause', () => {
    const bad = join(dir, 'bad');
    spawnSync('mkdir', ['-p', bad]);
    writeFileSync(
      join(bad, 'events.jsonl'),
      '{"format":"vmunit-record","version":1,"run":{}}\n{"type":"nope"}\n',
    );
    const r = vmunit('report', bad);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`vmunit: error: ${join(bad, 'events.jsonl')}:2: not a run event`));
    const missing = vmunit('report', join(dir, 'nothing-here'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file or folder/);
  });
});
