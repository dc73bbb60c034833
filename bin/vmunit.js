#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (npm run build).
import { main } from '../dist/cli/main.js';

// A reader that stops early (`vmunit … | head -1`) is handled in src/cli/context.ts: the command ends quietly
// with the status it would have had (src/util/pipe.ts).

process.exitCode = await main(process.argv);
