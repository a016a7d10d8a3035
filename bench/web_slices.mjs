// Web edition check (not a test): the background jobs (app/ui/pool.h) run in slices of the
// frames in the page. Scene 15 (model selection starts on load): screenshots every 0.7 s
// (the panel's "n / 32" progress) and the frame CPU times while fitting and 5 s after;
// scene 09 Enter (BMM EM running) and scene 10 A (accuracy-vs-L sweep): iterations / sweep
// rows polled every 250 ms and the frame times; scene 03 (θ histograms job after load).
//   bash scripts/web.sh; MX_WEB_NODE_MODULES=~/.cache/mixscope-web/node-test/node_modules \
//     node bench/web_slices.mjs build-web OUTDIR
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(process.env.MX_WEB_NODE_MODULES + '/');
const puppeteer = require('puppeteer-core');
const [webDir, outDir] = process.argv.slice(2).map((a) => path.resolve(a));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
function serve(dir) {
  const s = http.createServer((req, res) => {
    const u = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const f = path.join(dir, path.normalize(u));
    if (!f.startsWith(dir + path.sep) || !fs.existsSync(f) || fs.statSync(f).isDirectory()) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(f)] || 'application/octet-stream' });
    fs.createReadStream(f).pipe(res);
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}
const top = (v) => [...v].sort((a, b) => b - a).slice(0, 6).map((x) => x.toFixed(0)).join(' ');
const q = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const web = await serve(webDir);
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader'],
  defaultViewport: { width: 1280, height: 800, deviceScaleFactor: 1 } });
const base = `http://127.0.0.1:${web.address().port}/index.html`;
const errors = [];
async function open(scene) {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '#scene=' + scene);
  await page.waitForFunction('window.mixscope && window.mixscope.frames >= 1', { timeout: 60000 });
  await page.evaluate(() => { window.mixscope.frameMs.length = 0; });
  return page;
}
try {
  // 1. model selection (scene 15 starts the 32 fits on load)
  {
    const page = await open('15-gmm-select');
    const t0 = Date.now(); let k = 0;
    while (Date.now() - t0 < 12000) {
      await page.screenshot({ path: `${outDir}/sel-${String(k).padStart(2, '0')}.png` });
      k++; await sleep(700);
    }
    const ms = await page.evaluate(() => window.mixscope.frameMs.slice());
    await page.evaluate(() => { window.mixscope.frameMs.length = 0; });
    await sleep(5000);
    const after = await page.evaluate(() => window.mixscope.frameMs.slice());
    console.log(`select done, 5 s more: ${after.length} frames, median ${q(after, 0.5).toFixed(1)} p99 ${q(after, 0.99).toFixed(1)} max ${Math.max(...after).toFixed(1)}; top ${top(after)}`);
    console.log(`select: ${ms.length} frames in 12 s, frame CPU median ${q(ms, 0.5).toFixed(1)} p99 ${q(ms, 0.99).toFixed(1)} max ${Math.max(...ms).toFixed(1)} ms; > 33 ms: ${ms.filter((x) => x > 33).length}; top ${top(ms)}`);
    await page.close();
  }
  // 2. BMM: Enter runs EM; then the sweep (semi scene, A)
  for (const [scene, key] of [['09-bmm', 'Enter'], ['10-bmm-semi', 'a']]) {
    const page = await open(scene);
    await page.focus('#canvas');
    await page.keyboard.press(key);
    const seen = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 10000) {
      seen.push(await page.evaluate(() => { const s = window.mixscope.state().state;
        return [window.mixscope.frames, s.iterations, s.busy, (s.accuracy_vs_L || []).length]; }));
      await sleep(250);
    }
    const ms = await page.evaluate(() => window.mixscope.frameMs.slice());
    console.log(`${scene} ${key}: ${ms.length} frames, frame CPU median ${q(ms, 0.5).toFixed(1)} p99 ${q(ms, 0.99).toFixed(1)} max ${Math.max(...ms).toFixed(1)} ms; > 33 ms: ${ms.filter((x) => x > 33).length}; top ${top(ms)}`);
    console.log('  [frames, iterations, busy, sweep rows] every 250 ms: ' + seen.map((s) => `[${s.join(',')}]`).join(' '));
    await page.screenshot({ path: `${outDir}/${scene}.png` });
    await page.close();
  }
  // 3. theta: the histogram job after load
  {
    const page = await open('03-theta-raw');
    await sleep(3000);
    const ms = await page.evaluate(() => window.mixscope.frameMs.slice());
    console.log(`theta: ${ms.length} frames, frame CPU p99 ${q(ms, 0.99).toFixed(1)} max ${Math.max(...ms).toFixed(1)} ms; > 33 ms: ${ms.filter((x) => x > 33).length}; top ${top(ms)}`);
    await page.close();
  }
  console.log('console errors: ' + (errors.length ? errors.join(' | ') : 'none'));
} finally {
  await browser.close(); web.close();
}
