/**
 * The guest environment file passed with `-initrd` when config.mak has ENVIRON_DEFAULT=yes
 * (`initrd_create` in scripts/arch-run.bash). Same keys, same order, same errata rules:
 *
 * 1. `TARGET`, `QEMU_ACCEL`, `QEMU_VERSION_STRING`, `QEMU_MAJOR/MINOR/MICRO`, `KERNEL_VERSION_STRING`,
 *    `KERNEL_VERSION`, `KERNEL_PATCHLEVEL`, `KERNEL_SUBLEVEL`, `KERNEL_EXTRAVERSION`;
 * 2. `NAME=value` lines of the user's KVM_UNIT_TESTS_ENV file whose name is not present yet;
 * 3. errata: TCG forces `ERRATA_FORCE=y`; otherwise each errata.txt line `<commit> : <min kernel> : …`
 *    gives `ERRATA_<commit>=y|n` by comparing the host kernel (unless the environment already sets it);
 *    then every `ERRATA_*` of the environment that is not a line of the file yet is appended (sorted,
 *    `sort | uniq -u`, so a file line equal to an environment line is not repeated).
 */

import { VmunitError } from '../../util/errors.js';
import { parseQemuVersion } from './probe.js';

export interface EnvironInput {
  /** config.mak/env TARGET ('' on x86, where config.mak has no TARGET). */
  readonly target: string;
  /** Resolved accelerator name without props. */
  readonly accel: string;
  readonly qemuVersionString: string;
  /** `uname -r`. */
  readonly kernelRelease: string;
  /** Contents of the user's KVM_UNIT_TESTS_ENV file, if it exists. */
  readonly userEnv?: string;
  /** Contents of config.mak ERRATATXT, if configured. */
  readonly errata?: { readonly path: string; readonly text: string | undefined };
  /** The harness environment (ERRATA_* variables, ERRATA_FORCE from `-a`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface KernelVersion {
  readonly version: string;
  readonly patchlevel: string;
  readonly sublevel: string;
  readonly extraversion: string;
}

const leadingDigits = (s: string): string => /^\d*/.exec(s)?.[0] ?? '';

/** `IFS=. read v p rest; IFS=- read s x <<<"$rest"`, numeric prefixes of s and x. */
export function parseKernelVersion(release: string): KernelVersion {
  const [version = '', patchlevel = '', ...more] = release.split('.');
  const rest = more.join('.');
  const dash = rest.indexOf('-');
  const s = dash < 0 ? rest : rest.slice(0, dash);
  const x = dash < 0 ? '' : rest.slice(dash + 1);
  return { version, patchlevel, sublevel: leadingDigits(s), extraversion: leadingDigits(x) };
}

/** The `have=y|n` decision of env_generate_errata. */
export function kernelHasFix(host: KernelVersion, min: KernelVersion): boolean {
  const [hv, hp, v, p] = [
    Number(host.version),
    Number(host.patchlevel),
    Number(min.version),
    Number(min.patchlevel),
  ];
  if (hv > v || (hv === v && hp > p)) return true;
  if (hv !== v || hp !== p) return false;
  const { sublevel: hs, extraversion: hx } = host;
  const { sublevel: s, extraversion: x } = min;
  if (hs !== '' && s !== '') {
    if (Number(hs) > Number(s)) return true;
    if (Number(hs) < Number(s)) return false;
    if (hx !== '' && x !== '') return Number(hx) >= Number(x);
    return !(x !== '' && Number(x) !== 0);
  }
  return !(s !== '' && Number(s) !== 0);
}

/** ERRATA_<commit>=y|n for every errata.txt entry not already set in the environment. */
export function generateErrata(
  errataText: string,
  errataPath: string,
  kernel: KernelVersion,
  env: EnvironInput['env'],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of errataText.split('\n')) {
    if (raw.startsWith('#')) continue;
    const line = raw.replace(/[ \t]/g, '').split(':').slice(0, 2).join(':');
    if (line === '') continue;
    const commit = line.includes(':') ? line.slice(0, line.lastIndexOf(':')) : line;
    const minver = line.includes(':') ? line.slice(line.indexOf(':') + 1) : line;
    if (commit === '') continue;
    const name = `ERRATA_${commit}`;
    if ((env[name] ?? '') !== '' || out[name] !== undefined) continue;
    const min = parseKernelVersion(minver);
    if (!/^\d+$/.test(min.version) || !/^\d+$/.test(min.patchlevel)) {
      throw new VmunitError('CONFIG_INVALID', `Bad minimum kernel version in ${errataPath}, ${minver}`);
    }
    out[name] = kernelHasFix(kernel, min) ? 'y' : 'n';
  }
  return out;
}

/** Upstream reads `env` after `export NAME="value"`: one level of quotes is removed. */
function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m?.[2] ?? value;
}

/** Builds the environ file's text. Throws CONFIG_INVALID when ERRATATXT is configured but missing. */
export function buildEnviron(input: EnvironInput): string {
  const kernel = parseKernelVersion(input.kernelRelease);
  const { major, minor, micro } = parseQemuVersion(input.qemuVersionString);
  const lines: string[] = [
    `TARGET=${input.target}`,
    `QEMU_ACCEL=${input.accel}`,
    `QEMU_VERSION_STRING=${input.qemuVersionString}`,
    `QEMU_MAJOR=${major}`,
    `QEMU_MINOR=${minor}`,
    `QEMU_MICRO=${micro}`,
    `KERNEL_VERSION_STRING=${input.kernelRelease}`,
    `KERNEL_VERSION=${kernel.version}`,
    `KERNEL_PATCHLEVEL=${kernel.patchlevel}`,
    `KERNEL_SUBLEVEL=${kernel.sublevel}`,
    `KERNEL_EXTRAVERSION=${kernel.extraversion}`,
  ];
  const has = (name: string): boolean => lines.some((l) => l.startsWith(`${name}=`));
  for (const raw of (input.userEnv ?? '').split('\n')) {
    const m = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m?.[1] || has(m[1])) continue;
    lines.push(`${m[1]}=${unquote(m[2] ?? '')}`);
  }
  const errataEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.env))
    if (k.startsWith('ERRATA_') && v !== undefined) errataEnv[k] = v;
  if (input.accel === 'tcg') errataEnv.ERRATA_FORCE = 'y';
  else if (input.errata !== undefined && input.errata.path !== '') {
    if (input.errata.text === undefined) {
      throw new VmunitError(
        'CONFIG_INVALID',
        `${input.errata.path} not found. (ERRATATXT=${input.errata.path})`,
      );
    }
    Object.assign(errataEnv, generateErrata(input.errata.text, input.errata.path, kernel, input.env));
  }
  // sort <(env | grep ^ERRATA_) <(grep ^ERRATA_ file) | uniq -u
  const fromEnv = Object.entries(errataEnv).map(([k, v]) => `${k}=${v}`);
  const fromFile = lines.filter((l) => l.startsWith('ERRATA_'));
  const all = [...fromEnv, ...fromFile].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const unique = all.filter((l) => all.indexOf(l) === all.lastIndexOf(l));
  // `echo "$new_env"` appends one line even when it is empty.
  lines.push(unique.join('\n'));
  return `${lines.join('\n')}\n`;
}
