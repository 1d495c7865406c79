import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import http from 'node:http';
const input = readFileSync('/tmp/swr/input.txt', 'utf8');
const names = (process.env.V ?? 'oz,o3').split(',');
const server = http.createServer((req, res) => {
  const name = req.url.slice(1);
  if (name.endsWith('.wasm')) { res.writeHead(200, { 'content-type': 'application/wasm' }); res.end(readFileSync(`/tmp/swr/${name}`)); }
  else { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><title>x</title>'); }
}).listen(3998, '127.0.0.1');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const res = {};
const N = Number(process.env.N ?? 8);
for (let i = 0; i < N; i++) for (const name of names) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('http://127.0.0.1:3998/');
  const r = await page.evaluate(async ({ name, input, warm }) => {
    const { instance } = await WebAssembly.instantiateStreaming(fetch(`/${name}.wasm`), {});
    const e = instance.exports;
    const tw = performance.now();
    if (warm && e.warm_up) e.warm_up();
    const warmMs = performance.now() - tw;
    const bytes = new TextEncoder().encode(input);
    const at = e.input_buffer(bytes.length); new Uint8Array(e.memory.buffer, at, bytes.length).set(bytes);
    const t0 = performance.now();
    e.render(bytes.length);
    return [performance.now() - t0, warmMs];
  }, { name, input, warm: !!process.env.WARM });
  (res[name] ??= []).push(r);
  await context.close();
}
await browser.close(); server.close();
const med = (a) => { a = [...a].sort((x, y) => x - y); return a[a.length >> 1]; };
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(6), 'render median', med(v.map((x) => x[0])).toFixed(1), 'warm-up median', med(v.map((x) => x[1])).toFixed(1), '|', v.map((x) => x[0].toFixed(0)).join(' '));
