// Where a view's frame goes in the page (not a test): a CPU profile of 4 s through the DevTools
// protocol (self and inclusive time per function; wasm functions are named in a build linked
// with --profiling-funcs) and the WebGL calls per frame (texture uploads and their pixels, draw
// calls, vertex-buffer uploads), after a 3 s warm-up. A build with names:
//   P=$(sed -n 's/^MX_WEB_PREFIXES:STRING=//p' build-web-obj/CMakeCache.txt)
//   NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B /tmp/webprof -DCMAKE_BUILD_TYPE=Release \
//     "-DMX_WEB_PREFIXES=$P" -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs
//   cmake --build /tmp/webprof --target mixscope; cp web/index.html build-web/data.json /tmp/webprof/
//   MX_WEB_NODE_MODULES=~/.cache/mixscope-web/node-test/node_modules \
//     node bench/web_profile.mjs /tmp/webprof 11-moe Enter
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(process.env.MX_WEB_NODE_MODULES + '/');
const puppeteer = require('puppeteer-core');
const [dir, scene, ...keys] = process.argv.slice(2);
const root = path.resolve(dir);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  const f = path.join(root, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!f.startsWith(root + path.sep) || !fs.existsSync(f) || fs.statSync(f).isDirectory()) {
    res.writeHead(404); res.end(); return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(f)] || 'application/octet-stream' });
  fs.createReadStream(f).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const q = (v, p) => { const a = [...v].sort((x, y) => x - y); return a[Math.min(a.length - 1, Math.floor(p * a.length))]; };
const browser = await puppeteer.launch({
  executablePath: process.env.MX_CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader'],
  defaultViewport: { width: 1280, height: 800, deviceScaleFactor: 1 },
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html#scene=${scene}`);
  await page.waitForFunction('window.mixscope && window.mixscope.frames >= 3', { timeout: 60000 });
  await page.focus('#canvas');
  for (const k of keys) await page.keyboard.press(k);
  await sleep(3000);
  // WebGL calls: wrap the context's methods (GLctx is emscripten's global context)
  await page.evaluate(() => {
    const g = GLctx, c = window.__gl = { frames0: window.mixscope.frames };
    for (const f of ['texSubImage2D', 'texImage2D', 'drawArrays', 'drawElements', 'bufferSubData', 'readPixels']) {
      const o = g[f].bind(g);
      g[f] = (...a) => { c[f] = (c[f] || 0) + 1; if (f === 'texSubImage2D') c.texpx = (c.texpx || 0) + a[4] * a[5]; return o(...a); };
    }
    window.mixscope.frameMs.length = 0;
  });
  const cdp = await page.target().createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await sleep(4000);
  const { profile } = await cdp.send('Profiler.stop');
  const [gl, fm, frames] = await page.evaluate(() => [window.__gl, window.mixscope.frameMs.slice(), window.mixscope.frames]);
  const n = frames - gl.frames0;
  console.log(`${scene}: ${n} frames, frame CPU median ${q(fm, 0.5).toFixed(1)} ms, p95 ${q(fm, 0.95).toFixed(1)}, ` +
              `p99 ${q(fm, 0.99).toFixed(1)}`);
  console.log('WebGL per frame: ' + Object.entries(gl).filter(([k]) => k !== 'frames0')
    .map(([k, v]) => `${k} ${(v / n).toFixed(0)}`).join(', '));
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of profile.nodes) for (const ch of x.children || []) parent.set(ch, x.id);
  const self = new Map(), incl = new Map();
  profile.samples.forEach((id, i) => {
    const d = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const name = (x) => byId.get(x).callFrame.functionName || '(anonymous)';
    self.set(name(id), (self.get(name(id)) || 0) + d);
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x))
      if (!seen.has(name(x))) { seen.add(name(x)); incl.set(name(x), (incl.get(name(x)) || 0) + d); }
  });
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k)
    .map(([f, t]) => `${t.toFixed(0).padStart(6)} ms  ${f}`).join('\n');
  console.log(`-- self time over 4 s --\n${top(self, 25)}\n-- inclusive --\n${top(incl, 40)}`);
} finally {
  await browser.close();
  server.close();
}
