// Copies stdin to <raw file> and writes `<epoch ms>\t<line>` for every line to <stamps file>, as the lines
// arrive: kunit.py's own timestamps are whole seconds, too coarse to split a run into boots.
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

const [rawPath, stampPath] = process.argv.slice(2);
if (!rawPath || !stampPath) {
  console.error('usage: stamp.mjs <raw file> <stamps file>');
  process.exit(2);
}
const raw = createWriteStream(rawPath);
const stamps = createWriteStream(stampPath);
for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  raw.write(`${line}\n`);
  stamps.write(`${Date.now()}\t${line}\n`);
}
raw.end();
stamps.end();
