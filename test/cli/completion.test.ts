/**
 * Shell completion through bin/vmunit.js: the bash script loaded in a real bash (`complete -p`, then the
 * completion function on set COMP_WORDS, as bash calls it), zsh and fish scripts syntax-checked, and the
 * `__complete` answers: commands, options, test names and groups of the tree, --format values, kunit
 * suites from the build dir's cache, files for path options.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFIG_MAK } from '../guest/e2e-helpers.js';
import { distSkip, missingCommands } from '../requirements.js';

const BIN = fileURLToPath(new URL('../../bin/vmunit.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vmunit-completion-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tree = join(dir, 'tree');
mkdirSync(join(tree, 'x86'), { recursive: true });
writeFileSync(join(tree, 'config.mak'), CONFIG_MAK);
writeFileSync(
  join(tree, 'x86/unittests.cfg'),
  '[alpha]\nfile = a.flat\ngroups = smoke\n\n[beta]\nfile = b.flat\ngroups = slow smoke\n',
);
// `vmunit` on PATH, as the scripts call it.
const pathDir = join(dir, 'bin');
mkdirSync(pathDir);
writeFileSync(join(pathDir, 'vmunit'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
chmodSync(join(pathDir, 'vmunit'), 0o755);
const env = { ...process.env, PATH: `${pathDir}:${process.env.PATH}` };

function vmunit(args: string[], cwd = tree) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
}

/** `vmunit __complete -- WORDS…` → candidates. */
function candidates(words: string[], cwd = tree): string[] {
  const r = vmunit(['__complete', '--', ...words], cwd);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('vmunit completion (bin/vmunit.js)', { skip: distSkip() }, () => {
  it('bash: the script registers a completion that answers from the CLI', () => {
    const script = vmunit(['completion', 'bash']).stdout;
    writeFileSync(join(dir, 'vmunit.bash'), script);
    const shown = (n: number) => `_vmunit_complete; echo "${n}:$\{COMPREPLY[*]}"`;
    const probe = [
      `source ${join(dir, 'vmunit.bash')}`,
      'complete -p vmunit',
      `COMP_WORDS=(vmunit ru); COMP_CWORD=1; ${shown(1)}`,
      `COMP_WORDS=(vmunit run -g sm); COMP_CWORD=3; ${shown(2)}`,
      `COMP_WORDS=(vmunit run --format = j); COMP_CWORD=4; ${shown(3)}`,
      `COMP_WORDS=(vmunit run ""); COMP_CWORD=2; ${shown(4)}`,
      `COMP_WORDS=(vmunit run --format =); COMP_CWORD=3; ${shown(5)}`,
    ].join('\n');
    const r = spawnSync('bash', ['-c', probe], { cwd: tree, encoding: 'utf8', env });
    assert.equal(r.stderr, '');
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'complete -F _vmunit_complete vmunit',
      '1:run',
      '2:smoke',
      '3:junit json',
      '4:alpha beta',
      '5:ktap junit json html tap13 kcidb',
    ]);
  });

  for (const shell of ['zsh', 'fish']) {
    it(`${shell}: the script is valid ${shell}`, { skip: missingCommands([shell]) }, () => {
      const file = join(dir, `vmunit.${shell}`);
      writeFileSync(file, vmunit(['completion', shell]).stdout);
      const r = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    });
  }

  it('an unknown shell is exit 2 naming the known ones', () => {
    const r = vmunit(['completion', 'tcsh']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "vmunit: error: no completion for shell 'tcsh' (known: bash, zsh, fish)\n");
  });

  it('completes commands and options from the commander program, hiding __complete', () => {
    const commands = candidates(['']);
    for (const c of ['run', 'exec', 'new', 'parse', 'kunit', 'test', 'completion'])
      assert.ok(commands.includes(c), c);
    assert.ok(!commands.includes('__complete'));
    assert.deepEqual(candidates(['run', '--al']), ['--all', '--allow-empty']);
    assert.deepEqual(candidates(['kunit', '']), ['run', 'config', 'build', 'exec', 'parse']);
    assert.ok(candidates(['kunit', 'run', '--']).includes('--build_dir'));
  });

  it('completes test names and groups of the tree (found upward, or with -C)', () => {
    assert.deepEqual(candidates(['run', '']), ['alpha', 'beta']);
    assert.deepEqual(candidates(['run', '-g', '']), ['slow', 'smoke']);
    assert.deepEqual(candidates(['standalone', 'b'], join(tree, 'x86')), ['beta']);
    assert.deepEqual(candidates(['run', '-C', tree, 'a'], dir), ['alpha']);
    assert.deepEqual(candidates(['run', ''], dir), []);
  });

  it('completes --format values per command, and files for path options', () => {
    assert.deepEqual(candidates(['run', '--format', '']), [
      'ktap',
      'junit',
      'json',
      'html',
      'tap13',
      'kcidb',
    ]);
    assert.deepEqual(candidates(['test', '--format=j']), ['--format=json', '--format=junit']);
    assert.deepEqual(candidates(['run', '-C', '']), ['__files__']);
  });

  it('completes kunit suites from the build dir’s --list_suites cache', () => {
    const build = join(dir, 'kbuild');
    mkdirSync(build);
    writeFileSync(
      join(build, '.vmunit-suites'),
      'kunit_executor_test\nlist-kunit-test\nstring-stream-test\n',
    );
    assert.deepEqual(candidates(['kunit', 'run', '--build_dir', build, 'li']), ['list-kunit-test']);
    assert.deepEqual(candidates(['kunit', 'exec', '']), []);
  });
});
