import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandTable, loadCommands } from '../../src/cli/commands/index.js';
import { main } from '../../src/cli/main.js';
import { sink } from '../guest/e2e-helpers.js';

async function cli(args: string[]) {
  const stdout = sink();
  const stderr = sink();
  const status = await main(['node', 'vmunit', ...args], {
    version: '9.9.9',
    stdout,
    stderr,
    stdin: process.stdin,
    env: { PATH: process.env.PATH },
    cwd: '/',
    signal: new AbortController().signal,
  });
  return { status, out: stdout.text(), err: stderr.text() };
}

describe('vmunit command table', () => {
  it('loads only the named subcommand, and every module for --help or an unknown word', async () => {
    assert.equal((await loadCommands(['parse', 'x.log'])).length, 1);
    assert.equal((await loadCommands(['--help'])).length, commandTable.length);
    assert.equal((await loadCommands(['nosuch'])).length, commandTable.length);
    assert.equal((await loadCommands(['--version'])).length, 0);
    assert.equal((await loadCommands(['-V'])).length, 0);
    assert.equal((await loadCommands(['-V', '--help'])).length, commandTable.length);
  });

  it('--help lists every command; --version prints the version', async () => {
    const help = await cli(['--help']);
    assert.equal(help.status, 0);
    for (const { name } of commandTable) assert.match(help.out, new RegExp(`^  ${name}\\b`, 'm'), name);
    assert.deepEqual(await cli(['--version']), { status: 0, out: '9.9.9\n', err: '' });
    assert.deepEqual(await cli(['-V']), { status: 0, out: '9.9.9\n', err: '' });
  });

  it('an unknown command is a usage error with exit 2', async () => {
    const r = await cli(['nosuch']);
    assert.equal(r.status, 2);
    assert.match(r.err, /unknown command 'nosuch'/);
  });
});

describe('kunit.py parse options', () => {
  it('`vmunit parse` and `vmunit kunit parse` declare --raw_output, --json and --junit alike', async () => {
    // Column widths differ between the two commands, so compare the flags and the re-flowed help text.
    const flags = (help: string) => help.match(/^ {2}--(raw_output|json|junit) \S+/gm) ?? [];
    const flowed = (help: string) => help.replace(/\s+/g, ' ');
    const plain = (await cli(['parse', '--help'])).out;
    const kunit = (await cli(['kunit', 'parse', '--help'])).out;
    assert.deepEqual(flags(plain), ['  --raw_output [mode]', '  --json [FILE]', '  --junit [FILE]']);
    assert.deepEqual(flags(kunit), flags(plain));
    for (const text of [
      "If set don't parse output from kernel. By default, filters to just KUnit output.",
      'as JSON to stdout or a file if a filename is specified. Does nothing if --raw_output is set.',
      'as JUnit XML to stdout or a file if a filename is specified. Does nothing if --raw_output is set.',
    ]) {
      assert.ok(flowed(plain).includes(text), text);
      assert.ok(flowed(kunit).includes(text), text);
    }
  });
});
