#!/usr/bin/env node
// Entry point: the CLI bundle in dist/bundle/ (npm run build; scripts/bundle.mjs).
//
// Node's on-disk compile cache first (Node >= 22.1; Node 20 has no enableCompileCache): V8 then keeps the
// bundle's compiled code between runs instead of compiling it at every start, which is most of what a
// command's start-up costs over Node's own. It is kept beside the QEMU probe answers when VMUNIT_CACHE_DIR
// is set, else where Node keeps it (NODE_COMPILE_CACHE, or the temporary folder). NODE_DISABLE_COMPILE_CACHE=1
// turns it off. Here rather than in a module of the bundle, and before the CLI is imported, so that every
// chunk goes through it; a cache that cannot be made costs only the speed-up.
import nodeModule from 'node:module';
import { join } from 'node:path';

const cacheDir = process.env.VMUNIT_CACHE_DIR;
try {
  nodeModule.enableCompileCache?.(cacheDir ? join(cacheDir, 'node-compile-cache') : undefined);
} catch {}
const { main } = await import('../dist/bundle/main.js');

// A reader that stops early (`vmunit … | head -1`) is handled in src/cli/context.ts: the command ends quietly
// with the status it would have had (src/util/pipe.ts).

process.exitCode = await main(process.argv);
