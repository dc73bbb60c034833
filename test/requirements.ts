/**
 * Test helper (not a suite): the one place a test asks for an outside tool. A missing tool is a skip with
 * its reason, unless VMUNIT_REQUIRE names it (`VMUNIT_REQUIRE=qemu,kut,kunit,chromium,dist`): then the
 * test file fails at load with the same reason, so a CI that should have the tool cannot pass by skipping.
 * Reference tools are found through environment variables only (KUT_DIR, KUNIT_PY, CHROMIUM), never a
 * fixed path.
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a test may need. */
export type Requirement = 'qemu' | 'kut' | 'kunit' | 'chromium' | 'dist';

const REQUIREMENTS: readonly Requirement[] = ['qemu', 'kut', 'kunit', 'chromium', 'dist'];

/** The requirements VMUNIT_REQUIRE turns into failures. */
export function requiredSet(value = process.env.VMUNIT_REQUIRE ?? ''): Set<Requirement> {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(REQUIREMENTS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`VMUNIT_REQUIRE: unknown ${unknown.join(', ')} (known: ${REQUIREMENTS.join(', ')})`);
  return new Set(names as Requirement[]);
}

/**
 * The `skip` option for a test that needs `requirement`: false when nothing is `missing`, else the reason.
 * @throws Error when VMUNIT_REQUIRE names the requirement and something is missing.
 */
export function skipUnless(requirement: Requirement, missing: string | false | undefined): string | false {
  if (missing === undefined || missing === false || missing === '') return false;
  const reason = `needs ${requirement}: ${missing}`;
  if (requiredSet().has(requirement)) throw new Error(`VMUNIT_REQUIRE=${requirement}, but ${reason}`);
  return reason;
}

/** The commands of `commands` that do not start (`--version`), as a reason, or false. */
export function missingCommands(commands: readonly string[]): string | false {
  const missing = commands.filter((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status !== 0);
  return missing.length > 0 ? `${missing.join(', ')} not installed` : false;
}

/** QEMU for an arch and the tools to build guests for it: the skip option of QEMU-backed tests. */
export function qemuSkip(...commands: string[]): string | false {
  return skipUnless('qemu', missingCommands(commands.length > 0 ? commands : ['qemu-system-x86_64']));
}

/** A configured and built kvm-unit-tests tree from KUT_DIR, or the reason there is none. */
export function kutTree(): { readonly dir: string | undefined; readonly skip: string | false } {
  const dir = process.env.KUT_DIR;
  const missing =
    dir === undefined || dir === ''
      ? 'KUT_DIR is not set (a configured and built kvm-unit-tests tree)'
      : !existsSync(join(dir, 'config.mak')) || !existsSync(join(dir, 'run_tests.sh'))
        ? `KUT_DIR=${dir} has no config.mak and run_tests.sh (run ./configure && make there)`
        : false;
  return { dir: missing === false ? dir : undefined, skip: skipUnless('kut', missing) };
}

/** Why the file an environment variable names is not usable (unset, or absent), or false. */
function envFile(variable: string, what: string): string | false {
  const path = process.env[variable];
  if (path === undefined || path === '') return `${variable} is not set (${what})`;
  return existsSync(path) ? false : `${variable}=${path} does not exist`;
}

/** kunit.py from KUNIT_PY (and python3), or the reason there is none. `dir` is its tools folder. */
export function kunitPy(): {
  readonly path: string | undefined;
  readonly dir: string | undefined;
  readonly skip: string | false;
} {
  const path = process.env.KUNIT_PY;
  const missing =
    envFile('KUNIT_PY', "a Linux tree's tools/testing/kunit/kunit.py") || missingCommands(['python3']);
  const ok = missing === false;
  return {
    path: ok ? path : undefined,
    dir: ok ? dirname(path ?? '') : undefined,
    skip: skipUnless('kunit', missing),
  };
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The skip option of tests that spawn bin/vmunit.js, which runs the compiled dist/. */
export function distSkip(): string | false {
  const built = ['dist/cli/main.js', 'dist/unit/index.js', 'dist/bundle/main.js'].every((f) =>
    existsSync(join(ROOT, f)),
  );
  return skipUnless('dist', built ? false : 'dist/ is not built (npm run build)');
}

/** kconfig's `conf` from KCONFIG_CONF (a kernel build dir's scripts/kconfig/conf), or the reason there is none. */
export function kconfigConf(): { readonly path: string | undefined; readonly skip: string | false } {
  const missing = envFile('KCONFIG_CONF', "a kernel build dir's scripts/kconfig/conf");
  return {
    path: missing === false ? process.env.KCONFIG_CONF : undefined,
    skip: skipUnless('kunit', missing),
  };
}
