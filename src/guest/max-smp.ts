/**
 * `--probe-maxsmp` (run_tests.sh `qemu_probe_maxsmp`): start QEMU once with `-smp $MAX_SMP` and a kernel
 * that does not exist; if QEMU refuses the vCPU count ("Invalid SMP CPUs 500. The max CPUs supported by
 * machine 'pc-i440fx-7.2' is 255"), the last word of that line becomes MAX_SMP.
 */

import type { QemuPlatform } from './qemu/args.js';
import { buildQemuArgv } from './qemu/args.js';
import type { CaptureFn } from './qemu/probe.js';

/** The kernel name upstream uses for its probes. */
export const NO_FILE = '_NO_FILE_4Uhere_';

/** `grep 'SMP CPUs'`, last word, `()` stripped. Undefined when QEMU accepted the count. */
export function parseMaxSmp(output: string): number | undefined {
  const line = output.split('\n').find((l) => l.includes('SMP CPUs'));
  const last = line?.trim().split(/\s+/).pop()?.replace(/[()]/g, '');
  return last !== undefined && /^\d+$/.test(last) ? Number(last) : undefined;
}

/** Probes and returns the MAX_SMP to use, plus upstream's stderr notice when it was lowered. */
export async function probeMaxSmp(
  platform: QemuPlatform,
  maxSmp: string,
  capture: CaptureFn,
): Promise<{ maxSmp: string; notice: string | undefined }> {
  const [file, ...args] = buildQemuArgv(platform, { kernel: NO_FILE, vmmArgs: ['-smp', maxSmp] });
  const out = await capture(file ?? '', args);
  const max = parseMaxSmp(`${out.stdout}\n${out.stderr}`);
  if (max === undefined) return { maxSmp, notice: undefined };
  return {
    maxSmp: String(max),
    notice: `Restricting MAX_SMP from (${maxSmp}) to the max supported (${max})`,
  };
}
