/**
 * `vmunit completion bash|zsh|fish` prints a completion script; the hidden `vmunit __complete -- WORDS…`
 * answers it (src/cli/completion/answer.ts, loaded only then). The model is the whole commander program (the
 * command table registers every command for `__complete`), so completion always matches the CLI.
 */

import type { Command } from 'commander';
import { VmunitError } from '../../util/errors.js';
import { COMPLETION_SCRIPTS } from '../completion/scripts.js';
import type { CliContext } from '../context.js';

/** Registers `completion` and the hidden `__complete`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  program
    .command('completion')
    .argument('<shell>', `bash, zsh or fish`)
    .action((shell: string) => {
      const script = COMPLETION_SCRIPTS[shell];
      if (script === undefined) {
        const known = Object.keys(COMPLETION_SCRIPTS).join(', ');
        throw new VmunitError('USAGE', `no completion for shell '${shell}' (known: ${known})`);
      }
      ctx.stdout.write(script);
      setStatus(0);
    });
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .action(async (words: string[]) => {
      const { answer } = await import('../completion/answer.js');
      ctx.stdout.write(await answer(program, words, ctx));
      setStatus(0);
    });
}
