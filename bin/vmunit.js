#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (npm run build).
import { main } from '../dist/cli/main.js';

// A reader that stops early (`vmunit … | head -1`) closes the pipe: end at once and quietly, with the status
// of a program killed by SIGPIPE (128 + 13), as cat or grep would.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

process.exitCode = await main(process.argv);
