import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { massageParseArgv } from '../../src/cli/commands/parse.js';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { Capture } from '../reporters/capture.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ktap');
const strip = (s: string) => s.replace(/^\[\d\d:\d\d:\d\d\] /gm, '');

async function run(
  args: string[],
  opts: {
    stdin?: string | Buffer;
    tty?: boolean;
    env?: Record<string, string>;
    command?: readonly string[];
  } = {},
) {
  const stdout = Object.assign(new Capture(), { isTTY: opts.tty ?? false });
  const stderr = new Capture();
  const ctx: CliContext = {
    version: 'test',
    stdout,
    stderr,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: opts.env ?? {},
    cwd: FIX,
  };
  const code = await main(['node', 'vmunit', ...(opts.command ?? ['parse']), ...args], ctx);
  return { code, out: stdout.text, err: stderr.text };
}

describe('vmunit parse', () => {
  it('prints kunit.py output and exits 1 on failures', async () => {
    const { code, out } = await run(['test_is_test_passed-failure.log']);
    assert.equal(code, 1);
    assert.equal(
      strip(out).trimEnd(),
      readFileSync(join(FIX, 'test_is_test_passed-failure.expected.txt'), 'utf8').trimEnd(),
    );
  });
  it('exits 0 on success and 1 when everything was skipped (kunit.py parse)', async () => {
    assert.equal((await run(['test_is_test_passed-all_passed.log'])).code, 0);
    assert.equal((await run(['test_skip_all_tests.log'])).code, 1);
  });
  it('reads stdin when no file or "-" is given', async () => {
    const input = 'KTAP version 1\n1..1\nok 1 a\n';
    for (const args of [[], ['-']]) {
      const { code, out } = await run(args, { stdin: input });
      assert.equal(code, 0);
      assert.match(out, /Testing complete\. Ran 1 tests: passed: 1/);
    }
  });
  it('a missing file is a clear error with exit 2', async () => {
    const { code, err } = await run(['nope.log']);
    assert.equal(code, 2);
    assert.match(err, /cannot read nope\.log: no such file/);
  });
  it('bare --json prints JSON after the summary and keeps the next word as the input file', async () => {
    const { code, out } = await run(['--json', 'test_is_test_passed-all_passed.log']);
    assert.equal(code, 0);
    const json = out.slice(out.indexOf('\n{') + 1);
    assert.ok(out.indexOf('Testing complete.') < out.indexOf('\n{'));
    assert.deepEqual(
      JSON.parse(json),
      JSON.parse(readFileSync(join(FIX, 'test_is_test_passed-all_passed.expected.json'), 'utf8')),
    );
    assert.deepEqual(massageParseArgv(['--json', '--raw_output', '--json=x']), [
      '--json=stdout',
      '--raw_output=kunit',
      '--json=x',
    ]);
  });
  it('--json=FILE, --junit=FILE and --ktap=FILE write files and say so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-parse-'));
    const { code, out } = await run([
      `--json=${join(dir, 'r.json')}`,
      `--junit=${join(dir, 'r.xml')}`,
      `--ktap=${join(dir, 'r.ktap')}`,
      'test_skip_tests.log',
    ]);
    assert.equal(code, 0);
    assert.equal(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).name, 'KUnit Test Group');
    assert.match(readFileSync(join(dir, 'r.xml'), 'utf8'), /<testsuite name="main"/);
    assert.match(readFileSync(join(dir, 'r.ktap'), 'utf8'), /^KTAP version 1/);
    assert.equal((out.match(/Test results stored in /g) ?? []).length, 3);
  });
  it('--raw_output (kunit) prints the extracted KTAP, =all everything; exit 0', async () => {
    const kunit = await run(['--raw_output', 'test_config_printk_time.log']);
    assert.equal(kunit.code, 0);
    assert.ok(kunit.out.startsWith('TAP version 14\n'));
    const all = await run(['--raw_output=all', 'test_config_printk_time.log']);
    assert.ok(all.out.split('\n').length > kunit.out.split('\n').length);
  });
  it('colours only on a TTY without NO_COLOR', async () => {
    const file = 'test_is_test_passed-all_passed.log';
    assert.match((await run([file], { tty: true })).out, /\x1b\[1;32m/);
    assert.doesNotMatch((await run([file], { tty: true, env: { NO_COLOR: '1' } })).out, /\x1b\[/);
    assert.doesNotMatch((await run([file])).out, /\x1b\[/);
  });
  it('invalid UTF-8 is shown as \\xNN, as kunit.py decodes with backslashreplace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-parse-'));
    const file = join(dir, 'bad.log');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('KTAP version 1\n1..1\nnot ok 1 a'),
        Buffer.from([0xfe]),
        Buffer.from('\n'),
      ]),
    );
    assert.match((await run([file])).out, /\[FAILED\] a\\xfe$/m);
  });
  it('`vmunit kunit parse` decodes its input as `vmunit parse` does (\\xNN, str.splitlines() breaks)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-parse-'));
    const file = join(dir, 'odd.log');
    const bytes = [Buffer.from('KTAP version 1\n1..2\nnot ok 1 a'), Buffer.from([0xfe]), Buffer.from('\n')];
    writeFileSync(file, Buffer.concat([...bytes, Buffer.from('ok 2 b\vtail\n')]));
    const plain = await run([file]);
    const kunit = await run([file], { command: ['kunit', 'parse'] });
    assert.match(kunit.out, /\[FAILED\] a\\xfe$/m);
    assert.match(kunit.out, /\[PASSED\] b$/m);
    assert.equal(strip(kunit.out), strip(plain.out));
    assert.equal(kunit.code, plain.code);
  });
});
