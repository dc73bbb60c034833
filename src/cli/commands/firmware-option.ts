/**
 * `--firmware qboot|seabios|auto|PATH` and `VMUNIT_FIRMWARE`, shared by `run`, `exec`, `standalone` and
 * `install`: the flag wins, a file path is taken relative to the folder the user typed it in.
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type FirmwareRequest, parseFirmware } from '../../guest/qemu/firmware.js';
import type { CliContext } from '../context.js';

export function addFirmwareOption(cmd: Command): Command {
  return cmd.option(
    '--firmware <name>',
    'x86 firmware: seabios (default, as run_tests.sh), qboot (fast boot), auto (qboot where a test boots ' +
      'the same, SeaBIOS where it needs it), or a -bios file',
  );
}

/** The request from the flag or the environment. @throws VmunitError USAGE for an unknown name. */
export function firmwareRequest(flag: string | undefined, ctx: CliContext): FirmwareRequest {
  const source = flag === undefined ? 'VMUNIT_FIRMWARE' : '--firmware';
  const req = parseFirmware(flag ?? ctx.env.VMUNIT_FIRMWARE, source);
  return req.mode === 'path' ? { mode: 'path', path: resolve(ctx.cwd, req.path) } : req;
}
