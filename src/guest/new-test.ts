/**
 * `vmunit new NAME`: scaffolds a guest test from the SDK's template, registers it in unittests.cfg, builds it
 * with the SDK's Makefile and runs it with `vmunit run`.
 *
 * Where the test goes, always in the user's project and never in the SDK or node_modules: `--dir DIR`;
 * else the nearest folder, from the current one upward, whose cfg `vmunit new` wrote (it starts with
 * NEW_CFG_HEADER); else `./tests/`, which gets a cfg and a Makefile stub building against this SDK. Tests
 * are built into DIR/build/ (DIR/build/<arch>/ for other arches) by `make -C <sdk> TESTS_DIR=DIR O=…`;
 * the Makefile takes every `*.c` the cfg names, so no build rule is edited.
 *
 * The pure parts (name check, paths, template, cfg text, command lines) are exported for tests; the steps that
 * touch the world go through `NewTestDeps`. Running the test is the caller's (the CLI's) business.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { packageFile } from '../util/package-files.js';
import { parseUnittestsCfg } from './cfg/parse.js';
import { makefileStub, NEW_CFG_HEADER, projectDir } from './new-project.js';

/** The SDK shipped with vmunit (`guest-sdk/` beside `src/` and `dist/`). */
export const BUNDLED_SDK_DIR = packageFile('guest-sdk/');

/** Per-arch facts of the SDK Makefile (arch/<arch>/arch.mk) that the scaffolder needs. */
export interface SdkArch {
  readonly arch: string;
  /** kvm-unit-tests' TEST_DIR: where the binaries and the cfg go inside a build tree. */
  readonly testDir: string;
  readonly binarySuffix: string;
  /** The arch's cfg file in a tests directory (CFG_NAME). */
  readonly cfgName: string;
  /** Build tree below build/ (the Makefile's BUILD_ROOT): '' for x86_64. */
  readonly buildSubdir: string;
}

export const SDK_ARCHES: Readonly<Record<string, SdkArch>> = {
  x86_64: {
    arch: 'x86_64',
    testDir: 'x86',
    binarySuffix: '.flat',
    cfgName: 'unittests.cfg',
    buildSubdir: '',
  },
  i386: {
    arch: 'i386',
    testDir: 'x86',
    binarySuffix: '.flat',
    cfgName: 'unittests.i386.cfg',
    buildSubdir: 'i386',
  },
  arm64: {
    arch: 'arm64',
    testDir: 'arm',
    binarySuffix: '.flat',
    cfgName: 'unittests.arm64.cfg',
    buildSubdir: 'arm64',
  },
};

/** What the user asked for. */
export interface NewTestRequest {
  readonly name: string;
  /** The guest SDK (holds Makefile, include/, templates/). */
  readonly sdkDir: string;
  /** Project directory for the test (relative to `cwd`); undefined: found as the header says. */
  readonly dir?: string | undefined;
  readonly cwd: string;
  readonly arch: string;
  readonly build: boolean;
  readonly run: boolean;
  /** Extra arguments for `vmunit run` (between `-C <build>` and NAME). */
  readonly runArgs: readonly string[];
}

/** Everything `new` touches outside the file system writes: output and child processes. */
export interface NewTestDeps {
  readonly out: (text: string) => void;
  /** Runs a program to completion, forwarding its output; resolves with its exit status. */
  readonly exec: (command: string, args: readonly string[]) => Promise<number>;
  /** Runs `vmunit run` with these arguments; resolves with its exit status. */
  readonly runTests: (args: readonly string[]) => Promise<number>;
  readonly make: string;
}

/** The files and directories one `new` works with (all absolute). */
export interface NewTestPaths {
  readonly sdkDir: string;
  readonly testsDir: string;
  readonly buildDir: string;
  readonly source: string;
  readonly cfg: string;
  readonly binary: string;
}

const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_NAME_LENGTH = 64;

/**
 * Checks that `name` can be a file name, a unittests.cfg section and a C identifier-like word.
 * @throws VmunitError `USAGE` naming the rule that failed.
 */
export function validateTestName(name: string): void {
  if (!C_IDENTIFIER.test(name)) {
    throw new VmunitError(
      'USAGE',
      `invalid test name ${JSON.stringify(name)}: it must be a C identifier (letters, digits and '_', not starting with a digit)`,
    );
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new VmunitError('USAGE', `invalid test name: longer than ${MAX_NAME_LENGTH} characters`);
  }
}

function archFor(arch: string): SdkArch {
  const found = SDK_ARCHES[arch];
  if (found === undefined) {
    const known = Object.keys(SDK_ARCHES).join(', ');
    throw new VmunitError('USAGE', `the guest SDK does not support ARCH=${arch} (supported: ${known})`);
  }
  return found;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resolves where the source, the cfg and the built binary live (reads cfgs to find the project). */
export function newTestPaths(request: NewTestRequest): NewTestPaths {
  const arch = archFor(request.arch);
  const sdkDir = resolve(request.cwd, request.sdkDir);
  const cfgNames = Object.values(SDK_ARCHES).map((a) => a.cfgName);
  const testsDir = projectDir(request.cwd, request.dir, cfgNames, readOptional);
  const buildDir = join(testsDir, 'build', arch.buildSubdir);
  return {
    sdkDir,
    testsDir,
    buildDir,
    source: join(testsDir, `${request.name}.c`),
    cfg: join(testsDir, arch.cfgName),
    binary: join(buildDir, arch.testDir, `${request.name}${arch.binarySuffix}`),
  };
}

/** The template with every `@NAME@` replaced. Pure. */
export function renderTemplate(template: string, name: string): string {
  return template.replaceAll('@NAME@', name);
}

/** unittests.cfg text with a `[name]` section appended, separated by one blank line. Pure. */
export function appendCfgSection(cfgText: string, name: string, binarySuffix: string): string {
  let text = cfgText;
  if (text !== '' && !text.endsWith('\n')) text += '\n';
  if (text !== '' && !text.endsWith('\n\n')) text += '\n';
  return `${text}[${name}]\nfile = ${name}${binarySuffix}\n`;
}

/** `make` arguments that build every test of the tests directory into the build directory. Pure. */
export function makeArgs(paths: NewTestPaths, arch: string): string[] {
  return [
    '-C',
    paths.sdkDir,
    '--no-print-directory',
    `ARCH=${arch}`,
    `TESTS_DIR=${paths.testsDir}`,
    `O=${paths.buildDir}`,
  ];
}

/** `vmunit run` arguments that run the one new test. Pure. */
export function runArgs(paths: NewTestPaths, name: string, extra: readonly string[]): string[] {
  return ['-C', paths.buildDir, ...extra, name];
}

/** Refuses a name whose source file or cfg section already exists (the error names the file and line). */
function assertFree(paths: NewTestPaths, name: string, cfgText: string | undefined): void {
  if (existsSync(paths.source)) {
    throw new VmunitError('USAGE', `test ${JSON.stringify(name)} already exists: ${paths.source}`);
  }
  if (cfgText === undefined) return;
  const existing = parseUnittestsCfg(cfgText, paths.cfg).find((spec) => spec.name === name);
  if (existing !== undefined) {
    throw new VmunitError('USAGE', `section [${name}] already exists`, {
      position: { file: paths.cfg, line: existing.line },
    });
  }
}

/** Writes NAME.c and the cfg section; returns the cfg line of the new section. */
function scaffold(paths: NewTestPaths, name: string, arch: SdkArch): number {
  const templatePath = join(paths.sdkDir, 'templates', 'test.c');
  if (!existsSync(templatePath)) {
    throw new VmunitError('INPUT_NOT_FOUND', `no guest SDK template at ${templatePath} (is --sdk right?)`);
  }
  const cfgText = existsSync(paths.cfg) ? readFileSync(paths.cfg, 'utf8') : undefined;
  assertFree(paths, name, cfgText);
  const updated = appendCfgSection(cfgText ?? NEW_CFG_HEADER, name, arch.binarySuffix);
  mkdirSync(paths.testsDir, { recursive: true });
  writeFileSync(paths.source, renderTemplate(readFileSync(templatePath, 'utf8'), name), { flag: 'wx' });
  writeFileSync(paths.cfg, updated);
  const makefile = join(paths.testsDir, 'Makefile');
  if (cfgText === undefined && !existsSync(makefile)) writeFileSync(makefile, makefileStub(paths.sdkDir));
  return updated.split('\n').indexOf(`[${name}]`) + 1;
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * Creates, builds and runs a new guest test. Returns the exit status for the CLI: the run's status, or 0
 * when the run step is skipped.
 * @throws VmunitError `USAGE` (bad or taken name), `BUILD_FAILED` (make failed).
 */
export async function newTest(request: NewTestRequest, deps: NewTestDeps): Promise<number> {
  validateTestName(request.name);
  const arch = archFor(request.arch);
  const paths = newTestPaths(request);
  const line = scaffold(paths, request.name, arch);
  deps.out(`created ${shown(paths.source, request.cwd)}\n`);
  deps.out(`added [${request.name}] to ${shown(paths.cfg, request.cwd)}:${line}\n`);
  if (!request.build) return 0;

  const make = makeArgs(paths, arch.arch);
  deps.out(`${deps.make} ${make.join(' ')}\n`);
  const status = await deps.exec(deps.make, make);
  if (status !== 0) {
    throw new VmunitError('BUILD_FAILED', `make exited with status ${status} building ${request.name}`);
  }
  deps.out(`built ${shown(paths.binary, request.cwd)}\n`);

  const run = runArgs(paths, request.name, request.runArgs);
  const shownRun = ['vmunit', 'run', ...run.map((a) => (a === paths.buildDir ? shown(a, request.cwd) : a))];
  if (!request.run) {
    deps.out(`run it with: ${shownRun.join(' ')}\n`);
    return 0;
  }
  deps.out(`${shownRun.join(' ')}\n`);
  return deps.runTests(run);
}

/** `NewTestDeps.exec` on real child processes, their output forwarded to the given streams. */
export function spawnForwarding(
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  env: Readonly<Record<string, string | undefined>>,
): NewTestDeps['exec'] {
  return (command, args) =>
    new Promise((resolvePromise, reject) => {
      const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env } });
      child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));
      child.on('error', (error) =>
        reject(new VmunitError('SPAWN_FAILED', `cannot run ${command}: ${error.message}`, { cause: error })),
      );
      // A child killed by a signal reports 128 + its number, as a shell would.
      child.on('close', (code, signal) =>
        resolvePromise(code ?? 128 + (signal === null ? 0 : constants.signals[signal])),
      );
    });
}
