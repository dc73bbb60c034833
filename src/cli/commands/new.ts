/**
 * `vmunit new NAME`: create a guest test from the SDK template, add it to unittests.cfg, build it and run it.
 * The logic is in src/guest/new-test.ts; this file maps options to a request and runs the test with this
 * same vmunit, in process (the run command on the same context), so no entry path or PATH lookup is involved.
 */

import type { Command } from 'commander';
import { BUNDLED_SDK_DIR, newTest, spawnForwarding } from '../../guest/new-test.js';
import type { CliContext } from '../context.js';
import { buildProgram } from '../program.js';

interface NewOptions {
  readonly dir?: string;
  readonly sdk: string;
  readonly arch: string;
  readonly build: boolean;
  readonly run: boolean;
}

/** Registers `new`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  program
    .command('new')
    .argument('<name>', 'test name: a C identifier; becomes NAME.c and the [NAME] section')
    .argument('[run-args...]', 'extra `vmunit run` options, after --')
    .option(
      '--dir <dir>',
      'project folder for the test (default: the nearest folder above with a cfg vmunit new wrote, else ./tests)',
    )
    .option('--sdk <dir>', 'guest SDK directory', BUNDLED_SDK_DIR)
    .option('--arch <arch>', 'guest architecture', 'x86_64')
    .option('--no-build', 'only create the files')
    .option('--no-run', 'create and build, do not run')
    .action(async (name: string, extra: string[], options: NewOptions) => {
      const status = await newTest(
        {
          name,
          sdkDir: options.sdk,
          dir: options.dir,
          cwd: ctx.cwd,
          arch: options.arch,
          build: options.build,
          run: options.run,
          runArgs: extra,
        },
        {
          out: (text) => ctx.stdout.write(text),
          exec: spawnForwarding(ctx.stdout, ctx.stderr, ctx.env),
          runTests: async (args) => {
            let status = 0;
            const run = buildProgram(ctx, [await import('./run.js')], (code) => {
              status = code;
            });
            await run.parseAsync(['node', 'vmunit', 'run', ...args]);
            return status;
          },
          make: ctx.env.MAKE ?? 'make',
        },
      );
      setStatus(status);
    });
}
