/**
 * QEMU discovery and capability probing, done once per binary per run. Upstream's x86/run spawns
 * `--help` twice, `-device ?` three times and `-h` once for every test, plus a whole second run for the
 * premature-failure probe (14 QEMU processes per test); vmunit asks each question once and caches the
 * answer in a `QemuProber` owned by the run.
 */

import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { VmunitError } from '../../util/errors.js';
import type { GuestArchProfile, Requirement } from './arch/types.js';

export interface CaptureResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** Runs a short command and captures its output; injected for tests. */
export type CaptureFn = (file: string, args: readonly string[]) => Promise<CaptureResult>;

export const defaultCapture: CaptureFn = (file, args) =>
  new Promise((done) => {
    execFile(file, [...args], { timeout: 20_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      done({ stdout: String(stdout), stderr: String(stderr), code });
    });
  });

/** What a run needs to know about its QEMU binary. */
export interface QemuInfo {
  readonly path: string;
  /** First line of `-h` (`QEMU emulator version 7.2.22 (Debian …)`). */
  readonly versionString: string;
  readonly major: string;
  readonly minor: string;
  readonly micro: string;
  readonly hasPciTestdev: boolean;
  /** Upstream's exit-2 message of the first unmet requirement, if any. */
  readonly missing: string | undefined;
}

/** `IFS='[ .]' read -r _ _ _ MAJOR MINOR MICRO rest` on the version line. */
export function parseQemuVersion(line: string): { major: string; minor: string; micro: string } {
  const fields = line.split(/[[ .\]]/);
  return { major: fields[3] ?? '', minor: fields[4] ?? '', micro: fields[5] ?? '' };
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

/** `command -v` over PATH (plus /usr/libexec, as search_qemu_binary adds it). */
export async function whichCommand(name: string, pathEnv: string, cwd: string): Promise<string | undefined> {
  if (name.includes('/')) {
    const p = isAbsolute(name) ? name : resolve(cwd, name);
    return (await executable(p)) ? p : undefined;
  }
  for (const dir of [...pathEnv.split(delimiter), '/usr/libexec']) {
    if (dir === '') continue;
    const p = join(dir, name);
    if (await executable(p)) return p;
  }
  return undefined;
}

/** Per-run cache of QEMU probes. Not global: each run owns one. */
export class QemuProber {
  readonly #capture: CaptureFn;
  readonly #binaries = new Map<string, Promise<{ path: string; help: string }>>();
  readonly #listings = new Map<string, Promise<string>>();
  /** Counts the probes asked of the capture function (QEMU, or the on-disk cache in front of it). */
  spawned = 0;

  constructor(capture: CaptureFn = defaultCapture) {
    this.#capture = capture;
  }

  #run(file: string, args: readonly string[]): Promise<CaptureResult> {
    this.spawned++;
    return this.#capture(file, args);
  }

  /**
   * `search_qemu_binary`: the first of `QEMU` (a word list) or `qemu-system-<arch> qemu-kvm` whose `--help`
   * mentions QEMU. Throws QEMU_NOT_FOUND with upstream's two-line message.
   */
  findBinary(
    candidates: readonly string[],
    pathEnv: string,
    cwd: string,
  ): Promise<{ path: string; help: string }> {
    const key = `${candidates.join(' ')}\0${pathEnv}\0${cwd}`;
    let found = this.#binaries.get(key);
    if (found === undefined) {
      found = this.#search(candidates, pathEnv, cwd);
      this.#binaries.set(key, found);
    }
    return found;
  }

  async #search(
    candidates: readonly string[],
    pathEnv: string,
    cwd: string,
  ): Promise<{ path: string; help: string }> {
    for (const name of candidates) {
      const path = await whichCommand(name, pathEnv, cwd);
      if (path === undefined) continue;
      const out = await this.#run(path, ['--help']);
      if (out.stdout.includes('QEMU')) return { path, help: out.stdout };
    }
    throw new VmunitError(
      'QEMU_NOT_FOUND',
      'A QEMU binary was not found.\nYou can set a custom location by using the QEMU=<path> environment variable.',
    );
  }

  /** `<qemu> [-machine M] -<kind> ?` output, cached. */
  listing(path: string, kind: Requirement['list'], machine: string): Promise<string> {
    const args =
      kind === 'machine' || machine === '' ? [`-${kind}`, '?'] : ['-machine', machine, `-${kind}`, '?'];
    const key = `${path}\0${args.join(' ')}`;
    let out = this.#listings.get(key);
    if (out === undefined) {
      out = this.#run(path, args).then((r) => r.stdout + r.stderr);
      this.#listings.set(key, out);
    }
    return out;
  }

  /**
   * Where QEMU finds `name` given without a folder (`-bios qboot.rom`): the first of its data folders
   * (`-L help`) that holds it, or undefined. Asked once per binary.
   */
  async dataFile(path: string, name: string): Promise<string | undefined> {
    const key = `${path}\0-L help`;
    let out = this.#listings.get(key);
    if (out === undefined) {
      out = this.#run(path, ['-L', 'help']).then((r) => r.stdout);
      this.#listings.set(key, out);
    }
    for (const dir of (await out).split('\n')) {
      const file = join(dir.trim(), name);
      if (dir.trim() !== '' && (await readable(file))) return resolve(file);
    }
    return undefined;
  }

  /** Version, requirements and optional devices of one binary for one arch profile. */
  async info(path: string, help: string, profile: GuestArchProfile): Promise<QemuInfo> {
    const versionString = help.split('\n', 1)[0] ?? '';
    // Every listing is asked at once: each is a QEMU start of 0.1-0.3 s, and one after the other they were
    // most of the time before the first test's QEMU. The verdict still follows upstream's order.
    const listings = profile.requirements.map((req) => this.listing(path, req.list, profile.machine));
    const devicesListing = this.listing(path, 'device', profile.machine);
    let missing: string | undefined;
    for (const [i, req] of profile.requirements.entries()) {
      if (!(await listings[i])?.includes(req.contains)) {
        missing = req.message.replaceAll('{qemu}', path);
        break;
      }
    }
    const devices = await devicesListing;
    return {
      path,
      versionString,
      ...parseQemuVersion(versionString),
      hasPciTestdev: devices.includes('pci-testdev'),
      missing,
    };
  }
}

/**
 * The QEMU_ARCH search_qemu_binary uses: `$HOST` under KVM where the run script forces it (arm, riscv),
 * else the environment's QEMU_ARCH, else config.mak ARCH_NAME (`: "${QEMU_ARCH:=$ARCH_NAME}"`).
 */
export function qemuArchFor(
  profile: GuestArchProfile,
  accel: string,
  host: string,
  envQemuArch: string | undefined,
): string {
  if (accel === 'kvm' && profile.kvmUsesHostQemu) return host;
  return envQemuArch || profile.qemuArch;
}

/** The candidate list `${QEMU:-qemu-system-$QEMU_ARCH qemu-kvm}`. */
export function qemuCandidates(envQemu: string | undefined, qemuArch: string): string[] {
  if (envQemu !== undefined && envQemu.trim() !== '') return envQemu.trim().split(/\s+/);
  return [`qemu-system-${qemuArch}`, 'qemu-kvm'];
}
