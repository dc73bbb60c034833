/**
 * A kvm-unit-tests tree's `config.mak`, the file `./configure` writes and run_tests.sh `source`s before
 * anything else. It is plain `KEY=value` lines (it is also a Makefile include), so it is read as data here,
 * never sourced: values are taken literally, up to the end of the line.
 */

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { readInputFile } from '../util/read-input.js';

/** The config.mak keys run_tests.sh and its scripts use at run time, typed; `vars` has every line. */
export interface TreeConfig {
  /** Absolute tree directory (where run_tests.sh would run). */
  readonly dir: string;
  /** Absolute path of config.mak. */
  readonly file: string;
  /** Every `KEY=value` of config.mak, in file order (later lines win, as with `source`). */
  readonly vars: Readonly<Record<string, string>>;
  /** `ARCH`: x86_64, i386, arm, arm64, ppc64, s390x, riscv64… — compared with cfg `arch`. */
  readonly arch: string;
  /** `ARCH_NAME`: QEMU's name for the arch (x86_64, aarch64, ppc64…). */
  readonly archName: string;
  readonly host: string;
  readonly processor: string;
  /** `TEST_DIR`: where unittests.cfg and the binaries live (`x86`). */
  readonly testDir: string;
  /** `TEST_SUBDIR`: directory of the run script (`x86`, `x86/efi`). */
  readonly testSubdir: string;
  /** `TARGET` if config.mak sets it (arm/riscv only); undefined otherwise (then the env may set it). */
  readonly target: string | undefined;
  /** `CONFIG_EFI=y`. */
  readonly configEfi: boolean;
  /** `ERRATATXT`: errata file; '' = none. */
  readonly erratatxt: string;
  /** `ENVIRON_DEFAULT=yes`: build an environ file and pass it with `-initrd`. */
  readonly environDefault: boolean;
  /** `PRETTY_PRINT_STACKS=yes`. */
  readonly prettyPrintStacks: boolean;
  /** `GEN_SE_HEADER` (s390x): '' skips `pv-host` tests. */
  readonly genSeHeader: string;
  readonly hostKeyDocument: string;
  readonly firmware: string;
  readonly targetCpu: string;
  readonly defaultQemuCpu: string;
  /** Contents of the tree's `build-head` file (run_tests.sh writes it to logs/SUMMARY); '' if absent. */
  readonly buildHead: string;
}

/** The config.mak facts every QEMU command line and environ file is built from (run, exec, standalone). */
export interface QemuTreeFacts {
  readonly host: string;
  /** `TARGET`, '' when config.mak leaves it unset. */
  readonly target: string;
  readonly targetCpu: string;
  /** `DEFAULT_QEMU_CPU`. */
  readonly defaultCpu: string;
  readonly firmware: string;
  readonly environDefault: boolean;
}

/** The QEMU-side facts of a tree. Pure. */
export function qemuTreeFacts(tree: TreeConfig): QemuTreeFacts {
  return {
    host: tree.host,
    target: tree.target ?? '',
    targetCpu: tree.targetCpu,
    defaultCpu: tree.defaultQemuCpu,
    firmware: tree.firmware,
    environDefault: tree.environDefault,
  };
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Parses config.mak text into its variables. Pure. Comment, blank and non-assignment lines are skipped. */
export function parseConfigMak(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = ASSIGNMENT.exec(line.replace(/\r$/, ''));
    if (m?.[1] !== undefined) vars[m[1]] = m[2] ?? '';
  }
  return vars;
}

/** Builds the typed view of config.mak variables. Pure. */
export function treeConfigFromVars(
  dir: string,
  vars: Readonly<Record<string, string>>,
  buildHead = '',
): TreeConfig {
  const get = (key: string): string => vars[key] ?? '';
  return {
    dir,
    file: join(dir, 'config.mak'),
    vars,
    arch: get('ARCH'),
    archName: get('ARCH_NAME'),
    host: get('HOST'),
    processor: get('PROCESSOR'),
    testDir: get('TEST_DIR'),
    testSubdir: get('TEST_SUBDIR'),
    target: vars.TARGET,
    configEfi: get('CONFIG_EFI') === 'y',
    erratatxt: get('ERRATATXT'),
    environDefault: get('ENVIRON_DEFAULT') === 'yes',
    prettyPrintStacks: get('PRETTY_PRINT_STACKS') === 'yes',
    genSeHeader: get('GEN_SE_HEADER'),
    hostKeyDocument: get('HOST_KEY_DOCUMENT'),
    firmware: get('FIRMWARE'),
    targetCpu: get('TARGET_CPU'),
    defaultQemuCpu: get('DEFAULT_QEMU_CPU'),
    buildHead,
  };
}

/**
 * Reads `<dir>/config.mak` (and `build-head`) as run_tests.sh does at startup.
 * @throws VmunitError `INPUT_NOT_FOUND` naming the file when config.mak is missing (run_tests.sh: "run
 *   ./configure && make first"), `CONFIG_INVALID` when it lacks ARCH or TEST_DIR.
 */
export async function readTreeConfig(dir: string): Promise<TreeConfig> {
  const abs = resolve(dir);
  const file = join(abs, 'config.mak');
  const text = await readInputFile(
    file,
    ': not a configured kvm-unit-tests tree (run ./configure && make first. See ./configure -h)',
  );
  const vars = parseConfigMak(text);
  for (const key of ['ARCH', 'TEST_DIR']) {
    if ((vars[key] ?? '') === '') {
      throw new VmunitError('CONFIG_INVALID', `${key} is not set`, { position: { file } });
    }
  }
  const buildHead = await readFile(join(abs, 'build-head'), 'utf8').then(
    (t) => t.replace(/\n+$/, ''),
    () => '',
  );
  return treeConfigFromVars(abs, vars, buildHead);
}
