#!/usr/bin/env node
// Entry point: the CLI bundle (npm run build; scripts/bundle.mjs).
//
// Node's on-disk compile cache first (Node >= 22.1; Node 20 has no enableCompileCache): V8 then keeps the
// bundle's compiled code between runs instead of compiling it at every start, which is most of what a
// command's start-up costs over Node's own. It is kept beside the QEMU probe answers when VMUNIT_CACHE_DIR
// is set, else where Node keeps it (NODE_COMPILE_CACHE, or the temporary folder). NODE_DISABLE_COMPILE_CACHE=1
// turns it off. Here rather than in a module of the bundle, and before the CLI is imported, so that every
// chunk goes through it; a cache that cannot be made costs only the speed-up.
import { existsSync } from 'node:fs';
import nodeModule from 'node:module';
import { join } from 'node:path';

const cacheDir = process.env.VMUNIT_CACHE_DIR;
try {
  nodeModule.enableCompileCache?.(cacheDir ? join(cacheDir, 'node-compile-cache') : undefined);
} catch {}

// The command's own build (dist/bundle-NAME/: a few files where the build of every command loads dozens)
// when the command line names one, found the way src/cli/commands/index.ts loadCommands finds the command:
// the first word not starting with '-', or the one after `help`. No command at all (--version, --help) runs
// dist/bundle-root/, the build of no command; an unknown word and `__complete` (which describes every
// command) run the build of every command, dist/bundle/.
const words = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const word = words[0] === 'help' ? words[1] : words[0];
const own =
  word === undefined || /^[a-z][a-z-]*$/.test(word) ? `../dist/bundle-${word ?? 'root'}/main.js` : undefined;
const entry = own !== undefined && existsSync(new URL(own, import.meta.url)) ? own : '../dist/bundle/main.js';
const { main } = await import(entry);

// A reader that stops early (`vmunit … | head -1`) is handled in src/cli/context.ts: the command ends quietly
// with the status it would have had (src/util/pipe.ts).

process.exitCode = await main(process.argv);
