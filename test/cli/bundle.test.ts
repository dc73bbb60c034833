/**
 * The CLI bundle (scripts/bundle.mjs): bin/vmunit.js runs dist/bundle/, each command's module is a chunk
 * that only its command loads, each command has a build of its own (dist/bundle-NAME/) that bin runs when
 * the command line names it, the bundles' frames map back to src/, and bin turns on Node's compile cache
 * where Node has one. Checked through the real entry point on a copy of the package (bin/, dist/bundle*,
 * package.json), so nothing of dist/cli/ can stand in for the bundle.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { commandTable } from '../../src/cli/commands/index.js';
import { makeTree } from '../guest/e2e-helpers.js';
import { notBuilt } from './cli-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KTAP = 'KTAP version 1\n1..1\n    KTAP version 1\n    1..1\n    ok 1 case\nok 1 suite\n';

/** `node [flags] <copy>/bin/vmunit.js args…`, stdout and stderr apart. */
function vmunit(
  copy: string,
  args: readonly string[],
  options: { flags?: string[]; env?: NodeJS.ProcessEnv; input?: string } = {},
) {
  const r = spawnSync(process.execPath, [...(options.flags ?? []), join(copy, 'bin/vmunit.js'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', CI: '1', ...options.env },
    input: options.input ?? '',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The chunk a dynamic import of src/cli/commands/NAME.ts became (esbuild names it NAME-HASH.js). */
function chunkOf(dir: string, name: string): string | undefined {
  return readdirSync(dir).find((f) => new RegExp(`^${name}-[A-Z0-9]+\\.js$`).test(f));
}

describe('the CLI bundle through bin/vmunit.js', { skip: notBuilt }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'vmunit-bundle-'));
  const copy = join(scratch, 'package');
  const bundle = join(copy, 'dist/bundle');
  after(() => rmSync(scratch, { recursive: true, force: true }));

  before(() => {
    mkdirSync(join(copy, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist/bundle'), bundle, { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  });

  it('runs commands with no dist/cli/ beside it', () => {
    const version = vmunit(copy, ['--version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout, `${pkg.version}\n`);
    assert.equal(version.stderr, '');
    assert.equal(version.status, 0);
    const parse = vmunit(copy, ['parse'], { input: KTAP });
    assert.match(parse.stdout, /Testing complete\. Ran 1 tests: passed: 1/);
    assert.equal(parse.stderr, '');
    assert.equal(parse.status, 0);
  });

  it('keeps each command in a chunk of its own', () => {
    const missing = commandTable.map((e) => e.name).filter((name) => chunkOf(bundle, name) === undefined);
    assert.deepEqual(missing, []);
  });

  it('loads a command’s chunk for that command only', () => {
    const run = chunkOf(bundle, 'run');
    assert.ok(run);
    rmSync(join(bundle, run));
    for (const args of [['--version'], ['--help'], ['parse', '--help']]) {
      const r = vmunit(copy, args);
      assert.equal(r.stderr, '', args.join(' '));
      assert.equal(r.status, 0, args.join(' '));
    }
    const help = vmunit(copy, ['run', '--help']);
    assert.notEqual(help.status, 0);
    assert.equal(help.stdout, '');
    assert.match(help.stderr, new RegExp(`Cannot find module .*${run}`));
  });

  it('runs a command named on the command line from its own build alone', () => {
    const own = join(scratch, 'own');
    mkdirSync(join(own, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'bin'), join(own, 'bin'), { recursive: true });
    for (const name of ['run', 'parse', 'root']) {
      cpSync(join(ROOT, `dist/bundle-${name}`), join(own, `dist/bundle-${name}`), { recursive: true });
    }
    cpSync(join(ROOT, 'package.json'), join(own, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(own, 'node_modules'));
    const parse = vmunit(own, ['parse'], { input: KTAP });
    assert.match(parse.stdout, /Testing complete\. Ran 1 tests: passed: 1/);
    assert.equal(parse.stderr, '');
    assert.equal(parse.status, 0);
    for (const args of [
      ['run', '--help'],
      ['help', 'run'],
    ]) {
      const help = vmunit(own, args);
      assert.match(help.stdout, /^Usage: vmunit run \[options\] \[tests\.\.\.\]\n/, args.join(' '));
      assert.equal(help.stderr, '', args.join(' '));
      assert.equal(help.status, 0, args.join(' '));
    }
    const version = vmunit(own, ['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal(version.stderr, '');
    // A word with no build of its own (unknown, or `__complete`): the build of every command (not copied).
    for (const args of [['rot'], ['__complete', 'run']]) {
      const all = vmunit(own, args);
      assert.equal(all.stdout, '', args.join(' '));
      assert.match(all.stderr, /Cannot find module .*dist\/bundle\/main\.js/, args.join(' '));
    }
  });

  it('loads node:crypto in `run` only when something calls it (the KCIDB reporter, cfg expansion)', async () => {
    // The build of a command imports its whole body statically (scripts/bundle.mjs): node:crypto, ~6.5 ms to
    // load, comes through a stand-in that loads it on first call.
    const tree = await makeTree([], '[pass]\nfile = pass.flat\n');
    const preload = join(scratch, 'builtins.mjs');
    writeFileSync(
      preload,
      "process.on('exit', () => process.stderr.write('builtins: ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).join(' ') + '\\n'));\n",
    );
    try {
      const list = vmunit(ROOT, ['run', '-l', '-C', tree], {
        flags: ['--import', pathToFileURL(preload).href],
      });
      assert.equal(list.stdout, 'pass\n', list.stderr);
      assert.match(list.stderr, /^builtins: .*NativeModule child_process/m, 'the run build was loaded');
      assert.doesNotMatch(list.stderr, /NativeModule crypto\b/);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('has a build of its own for every command and for none, with the others left out', () => {
    const root = readdirSync(join(ROOT, 'dist/bundle-root'));
    assert.ok(root.includes('main.js'));
    assert.deepEqual(
      commandTable.filter((e) => chunkOf(join(ROOT, 'dist/bundle-root'), e.name) !== undefined),
      [],
    );
    for (const { name } of commandTable) {
      const files = readdirSync(join(ROOT, `dist/bundle-${name}`)).filter((f) => f.endsWith('.js'));
      assert.ok(files.includes('main.js'), name);
      assert.ok(chunkOf(join(ROOT, `dist/bundle-${name}`), name), name);
      // A command that runs another in process (`new` runs `run`, `kunit parse` is `parse`) imports its module.
      const source = readFileSync(join(ROOT, `src/cli/commands/${name}.ts`), 'utf8');
      const others = commandTable
        .map((e) => e.name)
        .filter((other) => other !== name && !source.includes(`import('./${other}.js')`));
      const named = files.filter((f) =>
        others.some((other) => new RegExp(`^${other}-[A-Z0-9]+\\.js$`).test(f)),
      );
      assert.deepEqual(named, [], name);
    }
  });

  // A function of main.js, and one of the run build's body, whose source had its import()s made static
  // (scripts/bundle.mjs): its lines must still be the source's.
  const frames = [
    {
      dir: 'bundle',
      chunk: 'main.js',
      name: 'main',
      source: 'src/cli/main.ts',
      decl: 'export async function main(',
    },
    {
      dir: 'bundle-run',
      chunk: 'run-command',
      name: 'runPlain',
      source: 'src/guest/launch.ts',
      decl: 'async function runPlain(',
    },
  ];
  for (const frame of frames) {
    it(`maps the stack frames of dist/${frame.dir}/ to src/ files (${frame.name})`, async () => {
      const bundle = join(ROOT, 'dist', frame.dir);
      const stackMap = chunkOf(bundle, 'stack-map');
      assert.ok(stackMap);
      const { sourceMappedStack } = (await import(pathToFileURL(join(bundle, stackMap)).href)) as {
        sourceMappedStack: (e: Error) => string;
      };
      // A frame at the function in the bundle, as V8 writes it, and the line that declares it in the source.
      const chunk = frame.chunk === 'main.js' ? 'main.js' : chunkOf(bundle, frame.chunk);
      assert.ok(chunk);
      const js = join(bundle, chunk);
      const lines = readFileSync(js, 'utf8').split('\n');
      const declared = `async function ${frame.name}(`;
      const line = lines.findIndex((l) => l.includes(declared));
      const column = (lines[line] ?? '').indexOf(declared);
      const sourceLine = readFileSync(join(ROOT, frame.source), 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith(frame.decl));
      assert.ok(line >= 0 && sourceLine >= 0);
      const error = new Error('boom');
      error.stack = `Error: boom\n    at ${frame.name} (${pathToFileURL(js).href}:${line + 1}:${column + 1})\n    at node:internal/x:1:1`;
      const mapped = sourceMappedStack(error);
      const at = `at ${frame.name} \\(${join(ROOT, frame.source)}:${sourceLine + 1}:\\d+\\)`;
      assert.match(mapped, new RegExp(at));
      assert.match(mapped, /at node:internal\/x:1:1$/);
    });
  }

  it('turns on Node’s compile cache where Node has one, in VMUNIT_CACHE_DIR when set', () => {
    // Node 20 has no enableCompileCache: a stand-in set on node:module before bin runs says how bin calls it.
    const spy = `data:text/javascript,${encodeURIComponent(
      "import m from 'node:module'; import { writeSync } from 'node:fs';\n" +
        "m.enableCompileCache = (dir) => writeSync(2, 'cache ' + dir + '\\n');\n",
    )}`;
    const set = vmunit(copy, ['--version'], {
      flags: ['--import', spy],
      env: { VMUNIT_CACHE_DIR: '/nonexistent/c' },
    });
    assert.equal(set.stderr, 'cache /nonexistent/c/node-compile-cache\n');
    assert.equal(set.status, 0);
    const unset = vmunit(copy, ['--version'], { flags: ['--import', spy] });
    assert.equal(unset.stderr, 'cache undefined\n');
    const throwing = `data:text/javascript,${encodeURIComponent(
      "import m from 'node:module'; m.enableCompileCache = () => { throw new Error('no cache'); };\n",
    )}`;
    const failed = vmunit(copy, ['--version'], { flags: ['--import', throwing] });
    assert.equal(failed.stderr, '');
    assert.match(failed.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal(failed.status, 0);
  });
});
