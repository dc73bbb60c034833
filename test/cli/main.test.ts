import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, Help } from 'commander';
import { commandTable, loadCommands } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { sink } from '../guest/e2e-helpers.js';

function ctx(stdout = sink(), stderr = sink()): CliContext {
  return {
    version: '9.9.9',
    stdout,
    stderr,
    stdin: process.stdin,
    env: { PATH: process.env.PATH },
    cwd: '/',
    signal: new AbortController().signal,
  };
}

async function cli(args: string[]) {
  const stdout = sink();
  const stderr = sink();
  const status = await main(['node', 'vmunit', ...args], ctx(stdout, stderr));
  return { status, out: stdout.text(), err: stderr.text() };
}

describe('vmunit command table', () => {
  it('loads only the named subcommand, none for --help or an unknown word, all for __complete', async () => {
    assert.equal((await loadCommands(['parse', 'x.log'])).length, 1);
    assert.equal((await loadCommands(['help', 'run'])).length, 1);
    assert.equal((await loadCommands(['--help'])).length, 0);
    assert.equal((await loadCommands(['nosuch'])).length, 0);
    assert.equal((await loadCommands(['--version'])).length, 0);
    assert.equal((await loadCommands(['-V'])).length, 0);
    assert.equal((await loadCommands(['-V', '--help'])).length, 0);
    assert.equal(
      (await loadCommands(['completion', 'bash'])).length,
      1,
      'printing a script loads nothing else',
    );
    assert.equal((await loadCommands(['__complete', '--', 'vmunit', 'r'])).length, commandTable.length);
  });

  it("the table's help line of each command is the one commander makes from the real registration", async () => {
    for (const entry of commandTable) {
      const program = new Command('vmunit');
      (await entry.load()).register(program, ctx(), () => undefined);
      const cmd = program.commands.find((c) => c.name() === entry.name);
      assert.ok(cmd, entry.name);
      assert.equal(new Help().subcommandTerm(cmd), entry.term, entry.name);
    }
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
