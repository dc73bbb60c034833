import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseOutputSpecs, resolveInside } from '../../src/reporters/output.js';
import { createOutputReporter } from '../../src/reporters/output-reporter.js';
import { createReporter, defaultFormat, REPORTER_FORMATS } from '../../src/reporters/registry.js';
import { VmunitError } from '../../src/util/errors.js';
import { Capture } from './capture.js';
import { richEvents } from './sample-events.js';
import { parseXml } from './xml-check.js';

const CWD = '/work/run';

function specs(format: string | undefined, outputs: string[], isTTY = false) {
  return parseOutputSpecs({ format, outputs, isTTY, cwd: CWD }).map((t) => `${t.format}:${t.path}`);
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof VmunitError ? error.code : 'not a VmunitError';
  }
  return undefined;
}

describe('--format/--output resolution', () => {
  const cases: Array<[string | undefined, string[], boolean, string[]]> = [
    [undefined, [], true, ['console:-']],
    [undefined, [], false, ['ktap:-']],
    ['junit', [], true, ['junit:-']],
    ['junit', ['results.xml'], true, ['console:-', 'junit:/work/run/results.xml']],
    // The extension decides; --format ktap stays on stdout.
    ['ktap', ['out/run.txt'], false, ['ktap:-', 'console:/work/run/out/run.txt']],
    // No extension: the single --format's format, paired with it.
    ['junit', ['-'], true, ['junit:-']],
    ['ktap', ['out/run'], true, ['console:-', 'ktap:/work/run/out/run']],
    [
      undefined,
      ['junit:a.out', 'html:r/report.html'],
      false,
      ['ktap:-', 'junit:/work/run/a.out', 'html:/work/run/r/report.html'],
    ],
    [
      undefined,
      ['results.xml', 'r.json', 'x.tap', 'p.HTM'],
      true,
      [
        'console:-',
        'junit:/work/run/results.xml',
        'json:/work/run/r.json',
        'ktap:/work/run/x.tap',
        'html:/work/run/p.HTM',
      ],
    ],
    ['json', ['ktap:-'], true, ['ktap:-']],
    ['none', ['junit:/abs/r.xml'], true, ['junit:/abs/r.xml']],
    ['junit', ['ktap:run.ktap'], true, ['junit:-', 'ktap:/work/run/run.ktap']],
    ['console', ['c:\\odd'], true, ['console:-', 'console:/work/run/c:\\odd']],
    [undefined, ['c:\\odd'], true, []],
    ['junit', ['-', 'ktap:-'], true, []],
  ];
  for (const [format, outputs, tty, expected] of cases) {
    const label = `--format ${format ?? '(none)'} ${outputs.map((o) => `--output ${o}`).join(' ')} tty=${tty}`;
    if (expected.length === 0) {
      it(`${label} is a usage error`, () =>
        assert.equal(
          code(() => specs(format, outputs, tty)),
          'USAGE',
        ));
    } else {
      it(label, () => assert.deepEqual(specs(format, outputs, tty), expected));
    }
  }
  it("pairs run's formats with outputs by format and sends the rest to the results folder", () => {
    const run = (
      format: string[],
      outputs: string[],
      files = { html: '/res/report.html', junit: '/res/junit.xml' },
    ) =>
      parseOutputSpecs({ format, outputs, isTTY: true, cwd: CWD, defaultFiles: files, ownStdout: true }).map(
        (t) => `${t.format}:${t.path}`,
      );
    assert.deepEqual(run(['html', 'junit'], ['a.xml']), ['junit:/work/run/a.xml', 'html:/res/report.html']);
    assert.deepEqual(run(['junit'], ['-']), ['junit:-']);
    assert.deepEqual(run(['html'], []), ['html:/res/report.html']);
    assert.deepEqual(run([], []), []);
    assert.deepEqual(run(['html'], [], {} as never), ['html:-']);
  });
  it('rejects unknown formats, duplicate destinations and unguessable files', () => {
    assert.equal(
      code(() => specs('xml', [])),
      'USAGE',
    );
    assert.equal(
      code(() => specs(undefined, ['junit:a.xml', 'html:a.xml'])),
      'USAGE',
    );
    assert.equal(
      code(() => specs(undefined, ['ktap:-', 'json:-'])),
      'USAGE',
    );
    assert.equal(
      code(() => specs(undefined, ['results.bin'])),
      'USAGE',
    );
    assert.equal(
      code(() => specs(undefined, ['junit:'])),
      'USAGE',
    );
  });
  it('keeps paths inside the results folder when asked', () => {
    const got = parseOutputSpecs({
      outputs: ['junit:sub/r.xml'],
      isTTY: false,
      cwd: CWD,
      resultsDir: '/res',
    });
    assert.deepEqual(got[1], { format: 'junit', path: '/res/sub/r.xml' });
    for (const bad of ['junit:../r.xml', 'junit:/etc/r.xml', 'ktap:sub/../../x.ktap']) {
      assert.equal(
        code(() => parseOutputSpecs({ outputs: [bad], isTTY: false, cwd: CWD, resultsDir: '/res' })),
        'PATH_ESCAPE',
      );
    }
  });
});

describe('resolveInside', () => {
  it('resolves names inside the root', () => {
    assert.equal(resolveInside('/r', 'logs/a.log'), '/r/logs/a.log');
    assert.equal(resolveInside('/r/', './logs/../b.log'), '/r/b.log');
    assert.equal(resolveInside('/r', '/r/logs/c.log'), '/r/logs/c.log');
    assert.equal(resolveInside('/r', '..hidden/d.log'), '/r/..hidden/d.log');
    assert.equal(resolveInside('relative', 'x'), resolve('relative', 'x'));
  });
  it('throws PATH_ESCAPE for .., absolute paths elsewhere and NUL bytes', () => {
    for (const bad of ['..', '../x', 'logs/../../x', '/etc/passwd', '/r2/x', 'a\0b']) {
      assert.equal(
        code(() => resolveInside('/r', bad)),
        'PATH_ESCAPE',
        bad,
      );
    }
  });
});

describe('registry', () => {
  it('creates every format and defaults by terminal', () => {
    assert.deepEqual([...REPORTER_FORMATS], ['console', 'json', 'junit', 'ktap', 'html', 'tap13', 'kcidb']);
    for (const format of REPORTER_FORMATS) {
      const reporter = createReporter(format, { destination: new Capture(), color: false, origin: 'lab' });
      assert.equal(typeof reporter.onEvent, 'function');
    }
    assert.equal(defaultFormat(true), 'console');
    assert.equal(defaultFormat(false), 'ktap');
    assert.equal(
      code(() => createReporter('yaml', { destination: new Capture(), color: false })),
      'USAGE',
    );
  });
});

describe('createOutputReporter', () => {
  it('fans one run out to stdout and files, leaving no temporary files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-out-'));
    try {
      const targets = parseOutputSpecs({
        format: 'ktap',
        outputs: ['junit:r/results.xml', 'html:r/report.html', 'json:r/results.json', 'ktap:r/run.ktap'],
        isTTY: false,
        cwd: '/nonexistent',
        resultsDir: dir,
      });
      const stdout = new Capture();
      const reporter = createOutputReporter(targets, { stdout, color: false });
      for (const e of richEvents()) reporter.onEvent(e);
      await reporter.close();
      assert.match(stdout.text, /^KTAP version 1\n1\.\.2\n/);
      assert.equal(readFileSync(join(dir, 'r/run.ktap'), 'utf8'), stdout.text);
      assert.equal(parseXml(readFileSync(join(dir, 'r/results.xml'), 'utf8')).attrs.tests, '8');
      assert.match(readFileSync(join(dir, 'r/report.html'), 'utf8'), /<!DOCTYPE html>/);
      const json = JSON.parse(readFileSync(join(dir, 'r/results.json'), 'utf8'));
      assert.equal(json.sub_groups[0].name, 'math');
      assert.deepEqual(readdirSync(join(dir, 'r')).sort(), [
        'report.html',
        'results.json',
        'results.xml',
        'run.ktap',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('fails before the run when a report cannot be written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-out-'));
    try {
      const blocker = join(dir, 'file');
      createOutputReporter([{ format: 'ktap', path: blocker }], { stdout: new Capture(), color: false });
      assert.ok(existsSync(blocker));
      const targets = [{ format: 'junit' as const, path: join(blocker, 'r.xml') }];
      assert.equal(
        code(() => createOutputReporter(targets, { stdout: new Capture(), color: false })),
        'OUTPUT_UNWRITABLE',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
