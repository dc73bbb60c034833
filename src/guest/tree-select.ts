/**
 * A kvm-unit-tests tree read for selection without running anything: config.mak, the arch profile, the
 * unittests.cfg entries and run_tests.sh's selection options (environment, shell variables, `-a`). For
 * commands that list, shard or export tests (`vmunit lava-job`) rather than run them.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { parseUnittestsCfg } from './cfg/parse.js';
import type { GuestTestSpec } from './cfg/spec.js';
import { readTreeConfig, type TreeConfig } from './config-mak.js';
import { type EnvRecord, effectiveTarget, harnessShellVars, hostOnlineCpus, resolveGuestEnv } from './env.js';
import { archProfile, type GuestArchProfile } from './qemu/arch/index.js';
import type { SelectOptions } from './select.js';

export interface TreeSelection {
  readonly tree: TreeConfig;
  readonly profile: GuestArchProfile;
  readonly cfgFile: string;
  readonly specs: readonly GuestTestSpec[];
  readonly options: SelectOptions;
}

export interface TreeSelectRequest {
  readonly dir: string;
  readonly env: EnvRecord;
  readonly tests: readonly string[];
  readonly groups: readonly string[];
  readonly all: boolean;
  readonly onWarning?: (message: string) => void;
}

export async function readTreeSelection(r: TreeSelectRequest): Promise<TreeSelection> {
  const tree = await readTreeConfig(r.dir);
  const profile = archProfile(tree.arch);
  const cfgFile = join(tree.dir, tree.testDir, 'unittests.cfg');
  let cfgText: string;
  try {
    cfgText = await readFile(cfgFile, 'utf8');
  } catch (cause) {
    throw new VmunitError('INPUT_NOT_FOUND', `${cfgFile} not found`, { cause });
  }
  const specs = parseUnittestsCfg(cfgText, cfgFile, {
    onWarning: (w) => r.onWarning?.(`${w.file}:${w.line}: ${w.message}`),
  });
  const unknown = r.tests.filter((name) => !specs.some((spec) => spec.name === name));
  if (unknown.length > 0) {
    throw new VmunitError('TEST_NOT_FOUND', `no test named ${unknown.join(', ')} in ${cfgFile}`);
  }
  const env = resolveGuestEnv(r.env, { onlineCpus: hostOnlineCpus() });
  const options: SelectOptions = {
    tests: r.tests,
    groups: r.groups,
    all: r.all,
    arch: tree.arch,
    testDir: tree.testDir,
    target: effectiveTarget(tree, env),
    configEfi: tree.configEfi,
    genSeHeader: tree.genSeHeader,
    env,
    shellVars: harnessShellVars(r.env, tree, env, r.all),
  };
  return { tree, profile, cfgFile, specs, options };
}
