/**
 * `vmunit standalone` and `vmunit install` file work: read a configured tree (config.mak through guest-A's
 * `readTreeConfig`, unittests.cfg through `parseUnittestsCfg`), render one script per entry
 * (generate.ts) and write them, executable, into a folder; `install` adds `tests.json` for labs.
 */

import { access, chmod, constants, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VmunitError } from '../../util/errors.js';
import { packageFile } from '../../util/package-files.js';
import { readInputFile } from '../../util/read-input.js';
import { parseUnittestsCfg } from '../cfg/parse.js';
import type { GuestTestSpec } from '../cfg/spec.js';
import { qemuTreeFacts, readTreeConfig, type TreeConfig } from '../config-mak.js';
import { efiArch } from '../efi.js';
import { archProfile } from '../qemu/arch/index.js';
import type { FirmwareRequest } from '../qemu/firmware.js';
import { parseDuration } from '../select.js';
import { checkTestNames } from '../selection-check.js';
import { checkFirmwareFile, firmwareApplies, standaloneFirmware } from '../test-firmware.js';
import { renderStandalone, type StandaloneFirmware, type StandaloneTree } from './generate.js';
import { sha256Hex } from './payload.js';

/** What to build: `make standalone` for these tests, typed. */
export interface StandaloneRequest {
  /** The kvm-unit-tests (or guest-sdk) tree, holding config.mak. */
  readonly treeDir: string;
  /** Test names to build; empty = every entry of unittests.cfg. */
  readonly names: readonly string[];
  readonly outDir: string;
  /** Write kvm-unit-tests' "test kernel not present" script (exit 2) instead of failing on a missing binary. */
  readonly allowMissing: boolean;
  /** `vmunit <version>`. */
  readonly generator: string;
  /** `--firmware`/`VMUNIT_FIRMWARE` (x86): undefined = SeaBIOS, as run_tests.sh. */
  readonly firmware?: FirmwareRequest;
}

/** Where a build's lines go. */
export interface StandaloneSinks {
  /** mkstandalone.sh's `Written DIR/name.` line after each script; none when absent. */
  readonly print?: (line: string) => void;
}

/** One written script, as listed in tests.json. */
export interface StandaloneEntry {
  readonly name: string;
  /** File name inside the output folder. */
  readonly file: string;
  readonly groups: readonly string[];
  /** cfg `arch` requirement ('' = any) and the tree's ARCH the binary was built for. */
  readonly arch: string;
  readonly treeArch: string;
  readonly accel: string;
  readonly machine: string;
  readonly smp: string;
  /** Timeout as written ('' → the default 90s) and in seconds (0 = none). */
  readonly timeout: string;
  readonly timeoutSeconds: number;
  readonly nodefault: boolean;
  /** Guest binary path relative to the tree (`x86/msr.flat`); '' if the entry names none. */
  readonly kernel: string;
  /** false: a "test kernel not present" script (`--allow-missing`). */
  readonly hasKernel: boolean;
  /** SHA-256 of the script file and of the guest binary inside it. */
  readonly sha256: string;
  readonly binarySha256: string;
  readonly binarySize: number;
}

/**
 * A bash part of the scripts (runtime.bash; harness.bash for migration and panic tests): the package ships
 * them from src/ whether vmunit runs from src/, dist/ or the CLI bundle.
 */
export async function readRuntime(part: 'runtime' | 'harness' = 'runtime'): Promise<string> {
  return readFile(packageFile(`src/guest/standalone/${part}.bash`), 'utf8');
}

/** Rejects names that cannot be a plain file name (mkstandalone.sh writes `tests/<name>`). */
function checkName(spec: GuestTestSpec): void {
  if (spec.name === '.' || spec.name === '..' || /[/\0]/.test(spec.name)) {
    throw new VmunitError('PATH_ESCAPE', `test name '${spec.name}' cannot be used as a file name`, {
      position: { file: spec.file, line: spec.line },
    });
  }
}

/** Picks the named entries (all when none are named); an unknown name is an error. */
export function pickTests(
  specs: readonly GuestTestSpec[],
  names: readonly string[],
  cfgFile: string,
): GuestTestSpec[] {
  if (names.length === 0) return [...specs];
  checkTestNames(specs, names, cfgFile);
  return names.flatMap((name) => specs.filter((s) => s.name === name));
}

async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (cause) {
    throw new VmunitError('OUTPUT_UNWRITABLE', `cannot write to output folder ${dir}`, { cause });
  }
}

async function errataLines(tree: TreeConfig): Promise<string[]> {
  if (!tree.environDefault || tree.erratatxt === '') return [];
  const path = resolve(tree.dir, tree.erratatxt);
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new VmunitError('CONFIG_INVALID', `${tree.erratatxt} not found. (ERRATATXT=${tree.erratatxt})`, {
      cause,
    });
  });
  return text.split('\n').filter((l) => /^[0-9a-f]{12}[ \t]*:/.test(l));
}

function standaloneTree(tree: TreeConfig, errata: string[]): StandaloneTree {
  // The script finds the host where it runs; HOST is the build machine's.
  const { host: _buildHost, ...facts } = qemuTreeFacts(tree);
  if (facts.target === 'kvmtool') {
    throw new VmunitError('CONFIG_INVALID', 'standalone: TARGET=kvmtool trees are not supported', {
      position: { file: tree.file },
    });
  }
  const efi = tree.configEfi ? (efiArch(tree.arch) ?? '') : '';
  return {
    arch: tree.arch,
    archName: tree.archName,
    ...facts,
    // x86/efi/run sets ENVIRON_DEFAULT=n: without -kernel there is no -initrd.
    environDefault: facts.environDefault && efi === '',
    efi,
    errata,
    buildHead: tree.buildHead,
  };
}

/** The binary path as run_tests.sh forms it: `$TEST_DIR/<file>`, `.efi` under CONFIG_EFI. */
function kernelPath(tree: TreeConfig, spec: GuestTestSpec): string {
  if (spec.kernel === '') return '';
  const rel = `${tree.testDir}/${spec.kernel}`;
  return tree.configEfi ? rel.replace(/\.flat$/, '.efi') : rel;
}

async function readKernel(tree: TreeConfig, spec: GuestTestSpec, rel: string, allowMissing: boolean) {
  const path = resolve(tree.dir, rel === '' ? '.' : rel);
  const ok =
    rel !== '' &&
    (await stat(path).then(
      (s) => s.isFile(),
      () => false,
    ));
  if (ok) return new Uint8Array(await readFile(path));
  // An entry for another arch (x86's `arch = i386` tests in an x86_64 tree) is never built here:
  // mkstandalone.sh's "test kernel not present" script is the expected result, not an error.
  if (allowMissing || (spec.arch !== '' && spec.arch !== tree.arch)) return undefined;
  const what =
    rel === '' ? 'has no file = line' : `needs ${path}, which does not exist (build the tree first)`;
  throw new VmunitError(
    'INPUT_NOT_FOUND',
    `test '${spec.name}' ${what}; --allow-missing writes a skip script`,
    {
      position: { file: spec.file, line: spec.line },
    },
  );
}

/**
 * The script's firmware: chosen now from what the test shows; qboot.rom is found when the script runs
 * (`auto` then falls back to SeaBIOS on a QEMU without it, an explicit qboot skips with a message).
 */
function scriptFirmware(
  request: FirmwareRequest,
  spec: GuestTestSpec,
  image: Uint8Array,
): StandaloneFirmware {
  const vmmArgs = spec.qemuParams.split(/\s+/).filter((w) => w !== '');
  const choice = standaloneFirmware(request, { name: spec.name, image, vmmArgs });
  const named = request.mode === 'qboot' || request.mode === 'auto';
  return {
    name: choice.name,
    ...(choice.reason === undefined ? {} : { reason: choice.reason }),
    bios: choice.bios,
    search: named && choice.bios !== '',
    fallback: request.mode === 'auto',
  };
}

/** Writes a file whole (temporary name, then rename), executable. */
async function writeExecutable(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o755 });
  await chmod(tmp, 0o755);
  await rename(tmp, path);
}

/**
 * Builds the scripts; returns what was written, in cfg order (or the order names were given). Every binary
 * is read before anything is written; the caller's AbortSignal stops between two scripts (INTERRUPTED),
 * leaving only whole files.
 */
export async function writeStandaloneTests(
  o: StandaloneRequest,
  { signal, sinks = {} }: { signal?: AbortSignal; sinks?: StandaloneSinks } = {},
): Promise<StandaloneEntry[]> {
  const tree = await readTreeConfig(o.treeDir);
  const profile = archProfile(tree.arch);
  const cfgFile = join(tree.dir, tree.testDir, 'unittests.cfg');
  const cfgText = await readInputFile(cfgFile);
  const specs = pickTests(parseUnittestsCfg(cfgText, cfgFile), o.names, cfgFile);
  for (const spec of specs) checkName(spec);
  const base = standaloneTree(tree, await errataLines(tree));
  const firmware = o.firmware ?? { mode: 'seabios' };
  const withFirmware = firmwareApplies(firmware, profile, tree.configEfi);
  if (withFirmware && firmware.mode === 'path') await checkFirmwareFile(firmware.path);
  const runtime = await readRuntime();
  const harness = await readRuntime('harness');
  // Read every binary before writing anything, so that a bad request leaves the folder untouched.
  const kernels = await Promise.all(
    specs.map((spec) => readKernel(tree, spec, kernelPath(tree, spec), o.allowMissing)),
  );
  await ensureWritableDir(o.outDir);
  const entries: StandaloneEntry[] = [];
  for (const [i, spec] of specs.entries()) {
    if (signal?.aborted) throw new VmunitError('INTERRUPTED', 'interrupted');
    const kernel = kernels[i];
    const script = renderStandalone({
      spec,
      tree: base,
      profile,
      kernel,
      runtime,
      harness,
      generator: o.generator,
      ...(withFirmware && kernel !== undefined ? { firmware: scriptFirmware(firmware, spec, kernel) } : {}),
    });
    const path = join(o.outDir, spec.name);
    await writeExecutable(path, script.text).catch((cause: unknown) => {
      throw new VmunitError('OUTPUT_UNWRITABLE', `cannot write ${path}`, { cause });
    });
    sinks.print?.(`Written ${path}.`);
    const timeout = spec.timeout === '' ? '90s' : spec.timeout;
    entries.push({
      name: spec.name,
      file: spec.name,
      groups: spec.groups,
      arch: spec.arch,
      treeArch: tree.arch,
      accel: spec.accel,
      machine: spec.machine,
      smp: spec.smp === '' ? '1' : spec.smp,
      timeout,
      timeoutSeconds: (parseDuration(timeout) ?? 90_000) / 1000,
      nodefault: spec.groups.includes('nodefault'),
      kernel: kernelPath(tree, spec),
      hasKernel: kernel !== undefined,
      sha256: sha256Hex(script.text),
      binarySha256: script.binarySha256,
      binarySize: script.binarySize,
    });
  }
  return entries;
}
