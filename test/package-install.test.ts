/**
 * The npm package as a user gets it: `npm pack` (dist/ as built; prepack rebuilds it in a real pack), the
 * tarball's file list, `npm install` of the tarball into a fresh project (dependencies from the npm cache,
 * else the registry), then every command through the installed bin: --version via npx, parse, kunit parse,
 * kunit --help, test, and with QEMU: the bundled SDK built into the project, `run`, `standalone` and `new`.
 * bin/ runs the CLI bundle (dist/bundle/); a user's test file imports the library from dist/.
 */

import assert from 'node:assert/strict';
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { distSkip, qemuSkip } from './requirements.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'vmunit-pack-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const project = join(scratch, 'project');
const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

function run(command: string, args: string[], options: SpawnSyncOptions & { input?: string } = {}) {
  const r = spawnSync(command, args, { cwd: project, encoding: 'utf8', timeout: 300_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The installed bin, as npm links it. */
const vmunit = (args: string[], options: SpawnSyncOptions & { input?: string } = {}) =>
  run(join(project, 'node_modules/.bin/vmunit'), args, options);

/** npm install, twice if the first fails (a registry hiccup): cache first, registry for what is missing. */
function npmInstall(tarball: string): void {
  let r = run('npm', ['install', '--prefer-offline', ...NPM_QUIET, tarball]);
  if (r.status !== 0) r = run('npm', ['install', ...NPM_QUIET, tarball]);
  assert.equal(r.status, 0, `npm install ${tarball} failed:\n${r.stderr}`);
}

describe('the npm package, packed and installed into a new project', { skip: distSkip() }, () => {
  let files: string[] = [];

  before(() => {
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
      cwd: ROOT,
    });
    assert.equal(pack.status, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(info);
    files = info.files.map((f) => f.path);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "project", "version": "1.0.0" }\n');
    npmInstall(join(scratch, info.filename));
  });

  it('ships the runtime and the SDK sources, no build output, logs or tests', () => {
    const needed = ['bin/vmunit.js', 'dist/bundle/main.js', 'dist/cli/main.js', 'dist/unit/index.js'];
    for (const file of [...needed, 'guest-sdk/Makefile']) assert.ok(files.includes(file), file);
    assert.ok(
      files.includes('guest-sdk/templates/test.c') && files.includes('src/guest/standalone/runtime.bash'),
    );
    const stray = files.filter(
      (f) =>
        f.startsWith('guest-sdk/build') ||
        f.startsWith('test/') ||
        /\.(o|elf|flat|log|tsbuildinfo)$|results\.json$|(^|\/)logs\//.test(f) ||
        (f.startsWith('src/') && !/^src\/guest\/standalone\/(runtime|harness)\.bash$/.test(f)),
    );
    assert.deepEqual(stray, []);
  });

  it('runs through npx with no global install', () => {
    const r = run('npx', ['--no-install', 'vmunit', '--version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.stdout.trim(), pkg.version, r.stderr);
  });

  it('kunit --help lists kunit.py’s subcommands', () => {
    const r = vmunit(['kunit', '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}run \[options\] \[filter_glob\] /m);
    assert.match(r.stdout, /^ {2}parse \[options\] \[input_file\] /m);
    assert.equal(r.stderr, '');
  });

  it('parse and kunit parse read a KTAP log', () => {
    const log = 'KTAP version 1\n1..1\n    KTAP version 1\n    1..1\n    ok 1 case\nok 1 suite\n';
    writeFileSync(join(project, 'test.log'), log);
    const parse = vmunit(['parse'], { input: log });
    assert.equal(parse.status, 0, parse.stderr);
    assert.match(parse.stdout, /Testing complete\. Ran 1 tests: passed: 1/);
    const kunit = vmunit(['kunit', 'parse', 'test.log']);
    assert.equal(kunit.status, 0, kunit.stderr);
    assert.match(kunit.stdout, /\[PASSED\] case/);
  });

  it('test runs a TypeScript suite that imports vmunit/unit', () => {
    writeFileSync(
      join(project, 'math.kunit.ts'),
      "import { defineSuite } from 'vmunit/unit';\n" +
        "defineSuite({ name: 'math', cases: [function adds(t) { t.expect.eq(1 + 1, 2); }] });\n",
    );
    const r = vmunit(['test']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ok 1 math$/m);
  });

  describe('with QEMU (TCG)', { skip: qemuSkip('qemu-system-x86_64', 'make', 'gcc') }, () => {
    const env = { ...process.env, ACCEL: 'tcg' };
    const sdk = join(project, 'node_modules/vmunit/guest-sdk');

    it('builds the bundled SDK into a folder of the user’s choosing and runs it', () => {
      const make = run('make', ['-s', '-C', sdk, `O=${join(project, 'sdk')}`]);
      assert.equal(make.status, 0, make.stderr);
      const r = vmunit(['run', '-C', 'sdk', 'hello', 'arith'], { env });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^PASS hello \(1 tests\)$/m);
      assert.match(r.stdout, /^PASS arith \(\d+ tests\)$/m);
    });

    it('standalone writes scripts from the runtime the package ships, and they run', () => {
      const r = vmunit(['standalone', '-C', 'sdk', '-o', 'standalone', 'hello'], { env });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const script = run('bash', [join(project, 'standalone/hello')], { env });
      assert.equal(script.status, 0, script.stdout + script.stderr);
      // The script colours PASS as run_tests.sh does.
      assert.match(script.stdout, /PASS\S* hello \n$/);
    });

    it('new creates, builds and runs a test in the project, leaving node_modules alone', () => {
      const r = vmunit(['new', 'mine'], { env });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^PASS mine \(1 tests\)$/m);
      assert.ok(existsSync(join(project, 'tests/mine.c')));
      assert.deepEqual(readdirSync(sdk).sort(), [
        'Makefile',
        'README.md',
        'arch',
        'examples',
        'include',
        'lib',
        'templates',
      ]);
    });
  });
});
