/**
 * `vmunit lava-job [TEST…] -C TREE`: LAVA v2 job definitions for a tree's tests (src/scale/lava.ts), one
 * job per test, selected as `vmunit run` selects (positional names, -g, -a, --shard/CI variables); tests
 * selection skips are listed on stderr as `# SKIP name (reason)`. Output: a YAML stream on stdout or in
 * FILE (documents separated by `---`), or one `<test>.yaml` per job when -o names an existing folder.
 */

import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { LavaFlags } from './lava-job-command.js';
import { addSliceOptions } from './shard-options.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `vmunit lava-job`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = program
    .command('lava-job')
    .argument('[tests...]', 'only these tests (exact names)')
    .option('-C, --directory <dir>', 'configured and built kvm-unit-tests tree (default: .)')
    .option('-g, --group <group>', 'only tests in this group (repeatable, comma lists allowed)', collect, [])
    .option('-a, --all', "include 'nodefault' tests")
    .option('--device-type <type>', 'LAVA device type', 'qemu')
    .option(
      '--artifacts <url>',
      'base URL of the published tree: binaries at URL/x86/<test>.flat (default: file://TREE)',
    )
    .option('-o, --output <path>', 'a file (YAML stream) or an existing folder (one <test>.yaml per job)');
  addSliceOptions(cmd).action(async (tests: string[], flags: LavaFlags) => {
    const { lavaJobCommand } = await import('./lava-job-command.js');
    setStatus(await lavaJobCommand(tests, flags, ctx));
  });
}
