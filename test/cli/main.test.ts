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
