// Writes a Brotli (.br) and a gzip (.gz) copy beside each of the site's build files (the app's
// JavaScript, WebAssembly and CSS, and the service worker's renderer), which the server's file
// handler (leptos_axum's) sends to browsers that accept them. Brotli at its best level takes
// seconds per megabyte: too slow for each response, right for a build. Copies left by earlier
// builds whose file is gone are removed; a copy older than its file is written anew.
//
// Usage: node scripts/compress-build-files.mjs <pkg dir>   (BROTLI_QUALITY, default 11)

import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/compress-build-files.mjs <pkg dir>');
  process.exit(2);
}
const quality = Number(process.env.BROTLI_QUALITY ?? 11);
const COMPRESSIBLE = /\.(js|wasm|css)$/;

const fresh = (copy, source) => existsSync(copy) && statSync(copy).mtimeMs >= statSync(source).mtimeMs;

let written = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (/\.(br|gz)$/.test(name)) {
    if (!existsSync(path.slice(0, -3))) unlinkSync(path);
    continue;
  }
  if (!COMPRESSIBLE.test(name)) continue;
  if (fresh(`${path}.br`, path) && fresh(`${path}.gz`, path)) continue;
  const source = readFileSync(path);
  const brotli = brotliCompressSync(source, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_MODE]: name.endsWith('.wasm') ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
    },
  });
  writeFileSync(`${path}.br`, brotli);
  const gzip = gzipSync(source, { level: 9 });
  writeFileSync(`${path}.gz`, gzip);
  written += 1;
  const kb = (bytes) => `${Math.round(bytes / 1024)} KB`;
  console.log(`${name}: ${kb(source.length)}, brotli ${kb(brotli.length)}, gzip ${kb(gzip.length)}`);
}
if (written === 0) console.log('build files: every compressed copy is up to date');
