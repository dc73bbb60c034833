#!/usr/bin/env node
// The floor under any Node harness, for overhead.mjs: replays QEMU command lines one at a time with the
// spawn options `vmunit run` uses (its own process group, stdin /dev/null, stdout and stderr piped and read
// to the end) and nothing else: no line splitting, logs, monitor or events.
//
//   node bench/guest-suite/bare-spawn.mjs ARGV_FILE
//
// ARGV_FILE holds NUL-terminated words, each command line ended by the word `\x01end` (what overhead.mjs's
// QEMU wrapper records); the first word of a command line is the program.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const words = readFileSync(process.argv[2] ?? '', 'utf8')
  .split('\0')
  .slice(0, -1);
const lines = [];
for (let start = 0, i = 0; i < words.length; i++) {
  if (words[i] !== '\x01end') continue;
  lines.push(words.slice(start, i));
  start = i + 1;
}
for (const [file = '', ...args] of lines) {
  await new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', () => undefined);
    child.on('error', reject);
    child.on('close', resolve);
  });
}
