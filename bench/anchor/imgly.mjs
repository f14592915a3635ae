// Times @imgly/background-removal-node on the given photos: one warm-up on the first photo (model load), then
// every photo once with N in flight. Prints one JSON line: images, seconds, peak RSS of this process (MiB).
// Usage: node imgly.mjs --concurrency N photo...
import { removeBackground } from '@imgly/background-removal-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--concurrency');
const concurrency = at >= 0 ? Number(args[at + 1]) : 1;
const photos = args.filter((a, i) => !(at >= 0 && (i === at || i === at + 1)));
const here = path.dirname(fileURLToPath(import.meta.url));
const config = {
  model: 'medium',
  publicPath: `file://${path.join(here, 'node_modules/@imgly/background-removal-node/dist')}/`,
  output: { format: 'image/png' },
};
const blobOf = (file) => new Blob([readFileSync(file)], { type: file.endsWith('.png') ? 'image/png' : 'image/jpeg' });

await removeBackground(blobOf(photos[0]), config);
const queue = [...photos];
const started = performance.now();
let bytes = 0;
await Promise.all(Array.from({ length: concurrency }, async () => {
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const result = await removeBackground(blobOf(next), config);
    bytes += result.size;
  }
}));
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ images: photos.length, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, outputBytes: bytes }));
