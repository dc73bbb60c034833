/**
 * `vmunit run --format html` as a user runs it (node bin/vmunit.js, real QEMU under TCG, tiny asm guests):
 * the page agrees with the result lines, shows the timeout and abort as failures with their reasons, links
 * each test's log, and stays small when a guest floods its serial port. SIGTERM still leaves a whole page.
 * Skips when qemu-system-x86_64 is absent.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { anchorBase } from '../../src/reporters/html/anchors.js';
import { findQemu, makeTree } from '../guest/e2e-helpers.js';
import { checkTags, countsRow, testElement } from '../reporters/html/html-check.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const skip = findQemu() === undefined ? 'qemu-system-x86_64 not installed' : false;
if (skip) console.log(`# html-report: skipped: ${skip}`);

const CFG = `
[pass]
file = pass.flat

[fail]
file = fail.flat

[abort]
file = abort.flat

[timeout]
file = hang.flat
timeout = 2

[archskip]
file = pass.flat
arch = i386

[flood]
file = flood.flat
timeout = 3
`;

const ENV = { ...process.env, ACCEL: 'tcg', NO_COLOR: '1' };

describe('vmunit run --format html', { skip }, () => {
  let tree: string;
  let results: string;
  let run: ReturnType<typeof spawnSync>;
  let html: string;

  before(async () => {
    tree = await makeTree(['pass', 'fail', 'abort', 'hang', 'flood'], CFG);
    results = join(tree, 'out');
    run = spawnSync(
      process.execPath,
      [BIN, 'run', '-C', tree, '-j', '2', '--results', results, '--format', 'html'],
      {
        env: ENV,
        encoding: 'utf8',
      },
    );
    html = readFileSync(join(results, 'report.html'), 'utf8');
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  it('counts the same tests as the result lines, and the checks apart', () => {
    assert.equal(run.status, 1, String(run.stderr));
    const lines = String(run.stdout).trim().split('\n');
    const verdicts = new Map(lines.map((l) => [l.split(' ')[1] ?? '', l.split(' ')[0] ?? '']));
    assert.deepEqual([...verdicts.keys()].sort(), ['abort', 'archskip', 'fail', 'flood', 'pass', 'timeout']);
    const count = (v: string) => [...verdicts.values()].filter((x) => x === v).length;
    const tests = countsRow(html, 'Tests');
    assert.equal(tests.total, 6);
    assert.equal(tests.passed, count('PASS'));
    assert.equal(tests.failed, count('FAIL'));
    assert.equal(tests.skipped, count('SKIP'));
    checkTags(html);
    for (const [name, verdict] of verdicts) {
      const el = testElement(html, anchorBase(name));
      assert.match(
        el,
        new RegExp(`<span class="badge \\w+">${verdict}</span><span class="name">${name}</span>`),
      );
    }
    // pass: 2 checks, fail: 2, abort: 1 before the abort.
    assert.deepEqual(countsRow(html, 'Checks'), { total: 5, passed: 4, failed: 1 });
  });

  it('shows the run metadata the CLI knows', () => {
    const version = (
      JSON.parse(readFileSync(resolve(BIN, '../../package.json'), 'utf8')) as { version: string }
    ).version;
    assert.match(html, new RegExp(`<tr><th>tool</th><td>vmunit ${version.replaceAll('.', '\\.')}</td></tr>`));
    assert.match(html, /<tr><th>accel<\/th><td>tcg \(ACCEL=tcg\)<\/td><\/tr>/);
    assert.match(html, /<tr><th>arch<\/th><td>x86_64<\/td><\/tr>/);
    assert.ok(html.includes(`<tr><th>tree</th><td>${tree}</td></tr>`));
    assert.match(html, /<tr><th>jobs<\/th><td>2<\/td><\/tr>/);
    assert.match(html, /<div class="state done">Complete\.<\/div>/);
  });

  it('shows the timeout and the abort as failures with their reasons first', () => {
    assert.match(
      testElement(html, 'test-timeout'),
      /class="test v-fail bad"[^>]*open>.*<span class="badge tag">TIMEOUT<\/span><span class="why">timeout; duration=2<\/span>/,
    );
    const abort = testElement(html, 'test-abort');
    assert.match(abort, /class="test v-fail bad"/);
    const body = abort.slice(abort.indexOf('<div class="body">'));
    // A guest's `FAIL: <name>` line says nothing the check row does not.
    assert.doesNotMatch(testElement(html, 'test-fail'), /<pre class="reason">/);
    const why = body.indexOf('ABORT: boom');
    assert.ok(why > 0 && why < body.indexOf('<ul class="checks">'), 'the abort line before the checks');
  });

  it('links each log relative to the page, and truncates a flood', () => {
    for (const name of ['pass', 'timeout', 'flood']) {
      const el = testElement(html, `test-${name}`);
      const href = el.match(/<a href="([^"]+)">full log<\/a>/)?.[1];
      assert.equal(href, `${name}.log`);
      assert.ok(existsSync(join(results, href)));
    }
    // The flood guest prints 64 KiB lines: each is clipped, the file keeps them whole.
    assert.match(testElement(html, 'test-flood'), /x … \[\d+ more characters\]\n/);
    const logBytes = statSync(join(results, 'flood.log')).size;
    assert.ok(html.length < 50_000, `page ${html.length} B, flood log ${logBytes} B`);
  });

  it('vmunit report renders the same page from the results folder', () => {
    const again = join(results, 'again.html');
    const r = spawnSync(process.execPath, [BIN, 'report', results, '--format', 'none', '--output', again], {
      env: ENV,
      encoding: 'utf8',
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(readFileSync(again, 'utf8'), html);
  });

  it('SIGTERM during a run still leaves a whole page marked interrupted', async () => {
    const out = join(tree, 'out-term');
    const child = spawn(
      process.execPath,
      [BIN, 'run', '-C', tree, '-j', '1', '--results', out, '--format', 'html', 'pass', 'timeout'],
      {
        env: ENV,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('PASS pass')) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    assert.notEqual(code, 0);
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    checkTags(page);
    assert.match(page, /Interrupted: the results are partial/);
    assert.match(testElement(page, 'test-pass'), /<span class="badge pass">PASS<\/span>/);
  });
});
