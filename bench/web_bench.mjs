// Web edition benchmark (not a test): bash scripts/web-bench.sh runs it; results go to
// docs/benchmarks.md by hand. In Debian's chromium headless (SwiftShader WebGL), 1280x800, DPR 1:
//  - page load (navigation start) to the first frame drawn, on the bundled sample, median of 5
//  - per view, with EM running where the view has EM (Enter): the p99 of the frame's CPU time in
//    the wasm frame function (events + update + draw, window.mixscope.frameMs) and the p99
//    interval between animation frames, over 4 s after a 3 s warm-up
//  - GMM and BMM EM iterations (bench/web_iter.c, after untimed warm-up iterations) in the page
//    vs the native scalar build (MX_NO_SIMD=1) on the same data
//   node bench/web_bench.mjs BUILD_WEB_DIR WEB_ITER_DIR NATIVE_WEB_ITER
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(process.env.MX_WEB_NODE_MODULES + '/');
const puppeteer = require('puppeteer-core');
const [webDir, iterDir, nativeIter] = process.argv.slice(2).map((a) => path.resolve(a));
const srcDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
function serve(dir) {
  const s = http.createServer((req, res) => {
    const u = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const f = path.join(dir, path.normalize(u));
    if (!f.startsWith(dir + path.sep) || !fs.existsSync(f) || fs.statSync(f).isDirectory()) {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(f)] || 'application/octet-stream' });
    fs.createReadStream(f).pipe(res);
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}
const q = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const web = await serve(webDir);
fs.copyFileSync(path.join(srcDir, 'bench/web_iter.html'), path.join(iterDir, 'web_iter.html'));
const iter = await serve(iterDir);
const browser = await puppeteer.launch({
  executablePath: process.env.MX_CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader'],
  defaultViewport: { width: 1280, height: 800, deviceScaleFactor: 1 },
});
const base = `http://127.0.0.1:${web.address().port}/index.html`;
try {
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage();
    await page.setCacheEnabled(false);
    await page.goto(base + '#scene=01-digits');
    await page.waitForFunction('window.mixscope && window.mixscope.firstFrameMs !== null', { timeout: 60000 });
    loads.push(await page.evaluate(() => window.mixscope.firstFrameMs));
    await page.close();
  }
  console.log(`| page load to first frame (01-digits, cache off) | median ${q(loads, 0.5).toFixed(0)} ms, max ${Math.max(...loads).toFixed(0)} ms (5 loads) |`);

  const views = [['digits', '01-digits', null], ['theta', '03-theta-raw', null],
                 ['gmm (EM running)', '06-gmm-em', 'Enter'], ['posterior', '08-posterior', null],
                 ['bmm (EM running)', '09-bmm', 'Enter'], ['moe (EM running)', '11-moe', 'Enter']];
  for (const [label, scene, key] of views) {
    const page = await browser.newPage();
    await page.goto(base + '#scene=' + scene);
    await page.waitForFunction('window.mixscope && window.mixscope.frames >= 3', { timeout: 60000 });
    await page.focus('#canvas');
    if (key) await page.keyboard.press(key);
    await sleep(3000); // warm-up: V8 runs new wasm code unoptimised until its optimised build is in
    await page.evaluate(() => {
      window.mixscope.frameMs.length = 0;
      window.__raf = []; let last = null;
      const f = (t) => { if (last !== null) window.__raf.push(t - last); last = t; requestAnimationFrame(f); };
      requestAnimationFrame(f);
    });
    await sleep(4000);
    const r = await page.evaluate(() => [window.mixscope.frameMs.slice(), window.__raf.slice(),
                                         window.mixscope.state()]);
    const it = r[2] && r[2].state && (r[2].state.iteration ?? r[2].state.iterations ?? r[2].state.iter ?? r[2].state.view);
    console.log(`| ${label} | frame CPU p99 ${q(r[0], 0.99).toFixed(1)} ms (median ${q(r[0], 0.5).toFixed(1)}, ` +
                `p95 ${q(r[0], 0.95).toFixed(1)}; ${r[0].filter((x) => x > 16.7).length} frames over 16.7 ms), ` +
                `frame interval p99 ${q(r[1], 0.99).toFixed(1)} ms, ${r[0].length} frames` +
                (it !== undefined ? `, iteration ${it}` : '') + ' |');
    await page.close();
  }

  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${iter.address().port}/web_iter.html`);
  await page.waitForFunction('window.webIterDone', { timeout: 120000 });
  const wtxt = await page.evaluate(() => document.getElementById('out').textContent);
  const ntxt = execFileSync(nativeIter, [path.join(srcDir, 'assets/mnist-sample')],
                            { env: { ...process.env, MX_NO_SIMD: '1' } }).toString();
  const parse = (t) => Object.fromEntries([...t.matchAll(/web_iter (\w+) .*?: ([\d.]+) ms\/iter \(median ([\d.]+)\), loglik (\S+), fastest ([\d.]+)/g)]
    .map((m) => [m[1], { mean: +m[2], ms: +m[3], ll: m[4].replace(/,$/, ''), fast: +m[5] }]));
  const w = parse(wtxt), n = parse(ntxt);
  for (const k of ['gmm', 'bmm'])
    console.log(`| ${k} iteration (median; mean): browser ${w[k].ms.toFixed(3)}; ${w[k].mean.toFixed(3)} ms, ` +
                `native scalar ${n[k].ms.toFixed(3)}; ${n[k].mean.toFixed(3)} ms | ratio ${(w[k].ms / n[k].ms).toFixed(2)}x ` +
                `(means ${(w[k].mean / n[k].mean).toFixed(2)}x; fastest ${w[k].fast.toFixed(3)} vs ${n[k].fast.toFixed(3)} ms: ` +
                `${(w[k].fast / n[k].fast).toFixed(2)}x); loglik ${w[k].ll} vs ${n[k].ll} |`);
} finally {
  await browser.close(); web.close(); iter.close();
}
