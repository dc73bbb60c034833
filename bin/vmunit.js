#!/usr/bin/env node
// Entry point: the CLI bundle in dist/bundle/ (npm run build; scripts/bundle.mjs). Node's compile cache is
// turned on first (Node ≥ 22.1; src/cli/compile-cache.ts), so the import comes after it.
import { enableCompileCache } from '../dist/bundle/compile-cache.js';

enableCompileCache(process.env);
const { main } = await import('../dist/bundle/main.js');

// A reader that stops early (`vmunit … | head -1`) is handled in src/cli/context.ts: the command ends quietly
// with the status it would have had (src/util/pipe.ts).

process.exitCode = await main(process.argv);
