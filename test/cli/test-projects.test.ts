/**
 * `vmunit test` in projects of every kind, through bin/vmunit.js as a user runs it: the README's example in
 * a default (CommonJS) `npm init -y`-style project, an ESM one and a folder with no package.json; each test
 * file extension under every isolation mode and backend; load errors in one line without a stack. None of
 * these projects depends on vmunit: `vmunit/unit` must resolve from vmunit's own install.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { distSkip } from '../requirements.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/vmunit.js');
const scratch = mkdtempSync(join(tmpdir(), 'vmunit-projects-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The README's `vmunit/unit` example, as a user copies it. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n(\/\/ stack\.kunit\.ts\n[\s\S]*?)```/.exec(readme);
  assert.ok(block?.[1], 'README has no ```ts block starting with // stack.kunit.ts');
  return block[1];
}

type Kind = 'commonjs' | 'module' | 'none';

function project(name: string, kind: Kind): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  if (kind !== 'none') {
    const pkg = {
      name,
      version: '1.0.0',
      main: 'index.js',
      ...(kind === 'module' ? { type: 'module' } : {}),
    };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  }
  return dir;
}

function vmunit(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

describe('vmunit test in user projects (bin/vmunit.js)', { skip: distSkip() }, () => {
  for (const kind of ['commonjs', 'module'] as const) {
    it(`runs the README example in a ${kind} project`, () => {
      const dir = project(`readme-${kind}`, kind);
      writeFileSync(join(dir, 'stack.kunit.ts'), readmeExample());
      const r = vmunit(dir, ['test']);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0, r.stdout);
      const lines = r.stdout.split('\n');
      assert.equal(lines[0], 'KTAP version 1');
      for (const line of ['    ok 1 push_then_pop', '        ok 3 n=4', '    ok 2 sizes', 'ok 1 stack'])
        assert.ok(lines.includes(line), `${line}\n${r.stdout}`);
    });
  }

  it('exits 1 with not ok lines when the example fails', () => {
    const dir = project('readme-failing', 'commonjs');
    writeFileSync(join(dir, 'stack.kunit.ts'), readmeExample().replace('stack.pop(), 1', 'stack.pop(), 2'));
    const r = vmunit(dir, ['test']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^ {4}not ok 1 push_then_pop$/m);
    assert.match(r.stdout, /^not ok 1 stack$/m);
  });

  const IMPORT = "import { defineSuite } from 'vmunit/unit';";
  const REQUIRE = "const { defineSuite } = require('vmunit/unit');";
  /** One suite per extension; .js follows the package's type. */
  function everyExtension(dir: string, kind: Kind): void {
    for (const ext of ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs']) {
      const cjs = ext === 'cjs' || (ext === 'js' && kind !== 'module');
      const body = `defineSuite({ name: 's_${ext}', cases: [function adds(t) { t.expect.eq(1 + 1, 2); }] });`;
      writeFileSync(join(dir, `a_${ext}.kunit.${ext}`), `${cjs ? REQUIRE : IMPORT}\n${body}\n`);
    }
  }
  // Every mode in the default (CommonJS) project; the two realms (host, CLI thread) in the others.
  const everyMode = [[], ['--isolation', 'none'], ['--backend', 'process'], ['--isolation', 'case']];
  const realms = [[], ['--isolation', 'none']];
  for (const kind of ['commonjs', 'module', 'none'] as const) {
    const modes = kind === 'commonjs' ? everyMode : realms;
    it(`loads .ts/.mts/.cts/.js/.mjs/.cjs files in a ${kind} project (${modes.length} isolations)`, () => {
      const dir = project(`ext-${kind}`, kind);
      everyExtension(dir, kind);
      for (const mode of modes) {
        const r = vmunit(dir, ['test', ...mode]);
        assert.equal(r.status, 0, `${mode.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout.match(/^ok \d+ s_\w+$/gm)?.length, 6, `${mode.join(' ')}:\n${r.stdout}`);
      }
    });
  }

  it('names the file and the cause of a load error in one line, without a stack', () => {
    const dir = project('broken', 'commonjs');
    writeFileSync(join(dir, 'syntax.kunit.ts'), `${IMPORT}\nconst x: number = ;\n`);
    writeFileSync(join(dir, 'throws.kunit.mts'), 'export {};\nthrow new RangeError("boom");\n');
    writeFileSync(join(dir, 'missing.kunit.cjs'), "require('no-such-package');\n");
    const cases: [string, RegExp][] = [
      [
        'syntax.kunit.ts',
        /syntax\.kunit\.ts: cannot load test file: .*syntax\.kunit\.ts:2:18: .*Unexpected ";"/,
      ],
      [
        'throws.kunit.mts',
        /throws\.kunit\.mts: cannot load test file: RangeError: boom \(at throws\.kunit\.mts:2:7\)/,
      ],
      [
        'missing.kunit.cjs',
        /missing\.kunit\.cjs: cannot load test file: Cannot find module 'no-such-package'/,
      ],
    ];
    for (const [file, pattern] of cases) {
      for (const mode of [[], ['--isolation', 'none']]) {
        const r = vmunit(dir, ['test', file, ...mode]);
        assert.equal(r.status, 2, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, pattern);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.doesNotMatch(r.stderr, /node:internal|^\s+at /m);
      }
    }
  });
});
