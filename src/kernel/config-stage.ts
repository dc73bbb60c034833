/**
 * The `config` stage (kunit_kernel.build_reconfig / build_config / validate_config): make
 * `<build_dir>/.config` hold every option of arch fragment + kunitconfig, running `make olddefconfig`
 * only when needed, and check the result is a superset. Failures are typed errors (KCONFIG_FAILED) that
 * name the missing options or carry make's output.
 */

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { formatMakeCommand, type MakeTarget, olddefconfigArgv } from './argv.js';
import {
  formatEntry,
  formatKconfig,
  type Kconfig,
  kconfigEquals,
  mergeKconfig,
  missingEntries,
  parseKconfig,
} from './kconfig.js';
import { explainMissing } from './kconfig-explain.js';
import { printTimestamped } from './printer.js';
import { runCapture } from './process.js';
import type { ConfigRequest, KernelIo, KernelTarget, StageResult } from './types.js';

/** Files kunit.py keeps in the build dir. */
export const BUILD_DIR_FILES = {
  config: '.config',
  lastUsed: 'last_used_kunitconfig',
  testLog: 'test.log',
} as const;

/** make's view of a target. */
export function makeTarget(target: KernelTarget, makeOptions: readonly string[]): MakeTarget {
  return {
    linuxArch: target.profile.linuxArch,
    // As typed: make runs in the kernel root, where kunit.py also runs it (it chdirs there).
    buildDir: target.buildDirArg,
    crossCompile: target.crossCompile,
    makeOptions,
  };
}

/** The arch fragment with the user's kunitconfig merged over it (kunit_kernel.make_arch_config). */
export async function withArchFragment(target: KernelTarget, kunitconfig: Kconfig): Promise<Kconfig> {
  const profile = target.profile;
  let fragment: Kconfig;
  if (profile.kind === 'uml') {
    const path = join(target.kernelRoot, profile.kconfigPath);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      throw new VmunitError('INPUT_NOT_FOUND', `cannot read UML arch fragment ${path}`, { cause });
    }
    fragment = parseKconfig(text, path);
  } else {
    fragment = parseKconfig(profile.kconfig, `${profile.linuxArch} profile kconfig`);
  }
  return mergeKconfig(fragment, kunitconfig);
}

async function readKconfigFile(path: string): Promise<Kconfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseKconfig(text, path);
}

/** `make … olddefconfig`, echoed as kunit.py echoes it. */
export async function runOlddefconfig(io: KernelIo, target: KernelTarget, makeOptions: readonly string[]) {
  const argv = olddefconfigArgv(makeTarget(target, makeOptions));
  io.out(`Populating config with:\n$ ${formatMakeCommand(argv)}\n`);
  const run = await runCapture(io, argv, { cwd: target.kernelRoot, keepStdout: true, mergeStderr: true });
  if (run.code !== 0) {
    throw new VmunitError('KCONFIG_FAILED', run.stdout.trimEnd() || `make olddefconfig failed (${run.code})`);
  }
}

/** Checks the generated .config against the wanted options; throws KCONFIG_FAILED naming the missing ones. */
export async function validateConfig(target: KernelTarget, wanted: Kconfig): Promise<void> {
  const path = join(target.buildDir, BUILD_DIR_FILES.config);
  const actual = (await readKconfigFile(path)) ?? new Map<string, string>();
  const missing = missingEntries(wanted, actual);
  if (missing.length === 0) return;
  let message =
    'Not all Kconfig options selected in kunitconfig were in the generated .config.\n' +
    'This is probably due to unsatisfied dependencies.\n' +
    `Missing: ${missing.map(formatEntry).join(', ')}`;
  if (target.profile.kind === 'uml') {
    message +=
      "\nNote: many Kconfig options aren't available on UML. You can try running on a different " +
      'architecture with something like "--arch=x86_64".';
  }
  // Beyond kunit.py: which dependency of each missing option the tree's Kconfig files say is unmet.
  const why = await explainMissing(missing, actual, target.kernelRoot, target.profile.linuxArch);
  if (why.length > 0) message += `\n${why.join('\n')}`;
  throw new VmunitError('KCONFIG_FAILED', message);
}

async function generateConfig(io: KernelIo, req: ConfigRequest, wanted: Kconfig): Promise<void> {
  const bd = req.target.buildDir;
  await mkdir(bd, { recursive: true });
  await writeFile(join(bd, BUILD_DIR_FILES.config), formatKconfig(wanted));
  await runOlddefconfig(io, req.target, req.makeOptions);
  await validateConfig(req.target, wanted);
  await writeFile(join(bd, BUILD_DIR_FILES.lastUsed), formatKconfig(wanted));
}

/** Makes .config current; returns whether make had to run. Throws typed errors. */
export async function reconfigure(io: KernelIo, req: ConfigRequest): Promise<boolean> {
  const wanted = await withArchFragment(req.target, req.kunitconfig);
  const configPath = join(req.target.buildDir, BUILD_DIR_FILES.config);
  const existing = await readKconfigFile(configPath);
  if (existing === undefined) {
    io.out('Generating .config ...\n');
    await generateConfig(io, req, wanted);
    return true;
  }
  const lastUsed = await readKconfigFile(join(req.target.buildDir, BUILD_DIR_FILES.lastUsed));
  // A removed kunitconfig option leaves .config a superset; last_used_kunitconfig catches that.
  if (missingEntries(wanted, existing).length === 0 && lastUsed && kconfigEquals(lastUsed, wanted))
    return false;
  io.out('Regenerating .config ...\n');
  await rm(configPath, { force: true });
  await generateConfig(io, req, wanted);
  return true;
}

function asVmunitError(error: unknown, code: 'KCONFIG_FAILED' | 'BUILD_FAILED'): VmunitError {
  if (error instanceof VmunitError) return error;
  return new VmunitError(code, String((error as Error)?.message ?? error), { cause: error });
}

/** Runs a stage body, timing it and turning a thrown error into a failed result that carries it. */
export async function timedStage(
  io: KernelIo,
  failure: 'CONFIG_FAILURE' | 'BUILD_FAILURE',
  body: () => Promise<void>,
): Promise<StageResult> {
  const start = io.now();
  try {
    await body();
    return { status: 'SUCCESS', elapsedMs: io.now() - start };
  } catch (error) {
    const code = failure === 'CONFIG_FAILURE' ? 'KCONFIG_FAILED' : 'BUILD_FAILED';
    return { status: failure, elapsedMs: io.now() - start, error: asVmunitError(error, code) };
  }
}

/** The whole `config` stage, with kunit.py's start message. */
export async function configStage(io: KernelIo, req: ConfigRequest): Promise<StageResult> {
  printTimestamped(io, 'Configuring KUnit Kernel ...');
  return timedStage(io, 'CONFIG_FAILURE', async () => {
    await reconfigure(io, req);
  });
}
