// mixscope web edition in Debian's chromium, headless (puppeteer-core, tests/web/package.json).
//   node web_test.mjs BUILD_WEB_DIR NATIVE_MIXSCOPE OUT_DIR
// 1. Opens scenes by URL hash at 1280x800 (devicePixelRatio 1) and compares each page
//    screenshot with `mixscope shot` of the same scene on the bundled sample (metric: see
//    compare() below; tolerance: block mean difference <= 2.5 and at most 3 % of blocks > 24).
//    Measured on this machine: 0.8-1.6 and 0.8-1.5 % (text set one pixel apart, the status
//    line naming the data differently); a control, the same scene three EM steps on, gives
//    24.5 and 32 %, and the test fails if the control ever falls inside the tolerance.
// 2. In the GMM scene, Space advances the EM iteration (window.mixscope.state().state.iteration).
// 3. A hash naming no scene opens the first scene and says so on the status line.
// 4. PageDown moves to the next scene and the hash follows; HiDPI, resizes, P and Ctrl+S.
// 5. Files dropped on the canvas by a real drag and drop: a CSV opens in the GMM view; a CSV
//    and a scene JSON that don't parse show the CLI's message.
// 6. Full MNIST announced by data.json but missing, corrupt, truncated or cut short: the page
//    starts on the bundled sample and says why.
// Any console error or uncaught page exception fails the test.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(process.env.MX_WEB_NODE_MODULES + '/');
const puppeteer = require('puppeteer-core');
const [webDir, nativeBin, outDir] = process.argv.slice(2).map((a) => path.resolve(a));
const srcDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const W = 1280, H = 800;
const SCENES = ['01-digits', '03-theta-raw', '06-gmm-em', '08-posterior'];
const MEAN_TOL = 2.5, FRAC_TOL = 0.03, BIG = 24;
fs.mkdirSync(outDir, { recursive: true });

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
                '.data': 'application/octet-stream', '.png': 'image/png', '.gz': 'application/gzip' };
const server = http.createServer((req, res) => {
  const u = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const f = path.join(webDir, path.normalize(u === '/' ? '/index.html' : u));
  if (!f.startsWith(webDir + path.sep) || !fs.existsSync(f) || fs.statSync(f).isDirectory()) {
    res.writeHead(404); res.end(); return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(f)] || 'application/octet-stream' });
  fs.createReadStream(f).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/index.html`;

let failures = 0;
const fail = (msg) => { failures++; console.log('FAIL: ' + msg); };
const ok = (msg) => console.log('ok: ' + msg);

const browser = await puppeteer.launch({
  executablePath: process.env.MX_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', `--window-size=${W},${H}`,
         '--enable-unsafe-swiftshader'],   // WebGL through SwiftShader (no GPU here)
  defaultViewport: { width: W, height: H, deviceScaleFactor: 1 },
});

async function open(hash) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push('exception: ' + e.message));
  await page.goto(base + hash, { waitUntil: 'load' });
  await page.waitForFunction('window.mixscope && window.mixscope.frames >= 3', { timeout: 60000 });
  return { page, errors };
}
function checkErrors(name, errors) {
  if (errors.length) fail(`${name}: console errors:\n  ` + errors.join('\n  '));
}

// Difference metric, computed in the page (2D canvas; no PNG decoder needed in node):
// both images are averaged over 8x8-pixel blocks (so a glyph placed one pixel apart by the
// two FreeType builds' hinting does not count, while a different state, view or layout does);
// per block d = max(|dR|, |dG|, |dB|) of the block means (0..255).
// Reported: mean d over blocks, and the fraction of blocks with d > BIG.
async function compare(page, aPng, bPng) {
  const a = 'data:image/png;base64,' + fs.readFileSync(aPng).toString('base64');
  const b = 'data:image/png;base64,' + fs.readFileSync(bPng).toString('base64');
  return page.evaluate(async (a, b, BIG) => {
    const load = (src) => new Promise((res, rej) => {
      const i = new Image(); i.onload = () => res(i); i.onerror = rej; i.src = src; });
    const [ia, ib] = await Promise.all([load(a), load(b)]);
    if (ia.width !== ib.width || ia.height !== ib.height)
      return { size: `${ia.width}x${ia.height} vs ${ib.width}x${ib.height}` };
    const W = ia.width, H = ia.height, B = 8;
    const blocks = (img) => {
      const c = document.createElement('canvas'); c.width = W; c.height = H;
      const g = c.getContext('2d'); g.drawImage(img, 0, 0);
      const p = g.getImageData(0, 0, W, H).data;
      const bw = Math.floor(W / B), bh = Math.floor(H / B), m = new Float64Array(bw * bh * 3);
      for (let y = 0; y < bh * B; y++)
        for (let x = 0; x < bw * B; x++) {
          const i = 4 * (y * W + x), k = 3 * (Math.floor(y / B) * bw + Math.floor(x / B));
          m[k] += p[i]; m[k + 1] += p[i + 1]; m[k + 2] += p[i + 2];
        }
      for (let k = 0; k < m.length; k++) m[k] /= B * B;
      return m;
    };
    const ma = blocks(ia), mb = blocks(ib), n = ma.length / 3;
    let sum = 0, big = 0;
    for (let k = 0; k < ma.length; k += 3) {
      const d = Math.max(Math.abs(ma[k] - mb[k]), Math.abs(ma[k + 1] - mb[k + 1]),
                         Math.abs(ma[k + 2] - mb[k + 2]));
      sum += d; if (d > BIG) big++;
    }
    return { mean: sum / n, frac: big / n };
  }, a, b, BIG);
}

try {
  for (const s of SCENES) {
    const { page, errors } = await open('#scene=' + s);
    const got = await page.evaluate(() => [window.mixscope.query('scene'), window.mixscope.query('view')]);
    if (got[0] !== s + '.json') fail(`${s}: page opened scene '${got[0]}'`);
    await new Promise((r) => setTimeout(r, 500));
    const webPng = path.join(outDir, `web-${s}.png`), natPng = path.join(outDir, `native-${s}.png`);
    await page.screenshot({ path: webPng });
    const view = JSON.parse(fs.readFileSync(path.join(srcDir, 'assets/scenes', s + '.json'))).view;
    execFileSync(nativeBin, ['shot', '--view', view, '--scene', path.join(srcDir, 'assets/scenes', s + '.json'),
      '--mnist', path.join(srcDir, 'assets/mnist-sample'), '--size', `${W}x${H}`, '--out', natPng],
      { stdio: 'inherit', env: { ...process.env, SDL_VIDEODRIVER: 'dummy' } });
    const d = await compare(page, webPng, natPng);
    const line = `${s} (view ${got[1]}): mean |d| ${d.mean?.toFixed(3)}, ${(100 * d.frac).toFixed(3)} % > ${BIG}`;
    if (d.size) fail(`${s}: sizes differ: ${d.size}`);
    else if (!(d.mean <= MEAN_TOL && d.frac <= FRAC_TOL))
      fail(line + ` (tolerance: mean <= ${MEAN_TOL}, <= ${100 * FRAC_TOL} %)`);
    else ok(line);
    checkErrors(s, errors);
    await page.close();
  }

  { // the metric must see a different state: web 06-gmm-em (iteration 0) against native
    // 06-gmm-em after three EM steps has to fall outside the tolerance
    const { page } = await open('#scene=06-gmm-em');
    const natPng = path.join(outDir, 'native-06-gmm-em-3steps.png');
    execFileSync(nativeBin, ['shot', '--view', 'gmm', '--scene', path.join(srcDir, 'assets/scenes/06-gmm-em.json'),
      '--mnist', path.join(srcDir, 'assets/mnist-sample'), '--size', `${W}x${H}`, '--keys', 'Space,Space,Space',
      '--out', natPng], { stdio: 'inherit', env: { ...process.env, SDL_VIDEODRIVER: 'dummy' } });
    const d = await compare(page, path.join(outDir, 'web-06-gmm-em.png'), natPng);
    const line = `control: iteration 0 vs 3: mean |d| ${d.mean.toFixed(3)}, ${(100 * d.frac).toFixed(3)} % > ${BIG}`;
    if (d.mean <= MEAN_TOL && d.frac <= FRAC_TOL) fail(line + ' is within tolerance: the metric is blind');
    else ok(line + ' (outside tolerance, as it must be)');
    await page.close();
  }

  { // Space in the GMM scene: one EM step
    const { page, errors } = await open('#scene=06-gmm-em');
    const before = await page.evaluate(() => window.mixscope.state().state.iteration);
    await page.focus('#canvas');
    await page.keyboard.press('Space');
    await page.waitForFunction('window.mixscope.frames > 0', { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    const after = await page.evaluate(() => window.mixscope.state().state.iteration);
    if (!(after === before + 1)) fail(`gmm: Space: iteration ${before} -> ${after}, expected ${before + 1}`);
    else ok(`gmm: Space: iteration ${before} -> ${after}`);
    // PageDown: the next bundled scene, and the hash follows
    await page.keyboard.press('PageDown');
    await page.waitForFunction("location.hash === '#scene=07-gmm-semi'", { timeout: 5000 })
      .then(() => ok('PageDown: hash follows to #scene=07-gmm-semi'),
            async () => fail('PageDown: hash is ' + await page.evaluate(() => location.hash)));
    checkErrors('gmm', errors);
    await page.close();
  }

  { // HiDPI and resizes: the canvas has CSS size x devicePixelRatio pixels and follows the window;
    // P and Ctrl+S encode / write in the page and download (status line says so)
    const { page, errors } = await open('#scene=08-posterior');
    await page.setViewport({ width: 900, height: 600, deviceScaleFactor: 2 });
    await page.waitForFunction('document.getElementById("canvas").width === 1800', { timeout: 10000 })
      .catch(() => {});
    let c = await page.evaluate(() => [canvas.width, canvas.height]);
    if (c[0] !== 1800 || c[1] !== 1200) fail(`HiDPI 900x600 @2: canvas ${c[0]}x${c[1]}, expected 1800x1200`);
    else ok(`HiDPI 900x600 @2: canvas ${c[0]}x${c[1]}`);
    await page.setViewport({ width: 1100, height: 700, deviceScaleFactor: 2 });
    await page.waitForFunction('document.getElementById("canvas").width === 2200', { timeout: 10000 })
      .catch(() => {});
    c = await page.evaluate(() => [canvas.width, canvas.height]);
    if (c[0] !== 2200 || c[1] !== 1400) fail(`resize to 1100x700 @2: canvas ${c[0]}x${c[1]}, expected 2200x1400`);
    else ok(`resize to 1100x700 @2: canvas ${c[0]}x${c[1]}`);
    await page.screenshot({ path: path.join(outDir, 'web-hidpi-08-posterior.png') });
    await page.focus('#canvas');
    await page.keyboard.press('p');
    await page.waitForFunction("/^Screenshot downloaded: mixscope-posterior-.*\\.png$/.test(window.mixscope.query('status'))",
      { timeout: 5000 }).then(() => ok('P: ' + 'PNG downloaded'),
      async () => fail('P: status ' + await page.evaluate(() => window.mixscope.query('status'))));
    await page.keyboard.down('Control'); await page.keyboard.press('s'); await page.keyboard.up('Control');
    await page.waitForFunction("/^Scene downloaded: mixscope-posterior-.*\\.json$/.test(window.mixscope.query('status'))",
      { timeout: 5000 }).then(() => ok('Ctrl+S: scene JSON downloaded'),
      async () => fail('Ctrl+S: status ' + await page.evaluate(() => window.mixscope.query('status'))));
    checkErrors('hidpi', errors);
    await page.close();
  }

  { // files dropped on the canvas by a real drag and drop (the DevTools protocol's
    // Input.dispatchDragEvent with files from disk: dragenter, dragover, drop, as a mouse
    // drag from the desktop gives the page): a CSV opens in the GMM view; a CSV and a scene
    // JSON that don't parse show the CLI's message on the status line (same path on both
    // sides, /tmp/drop/NAME, where the page puts dropped files)
    const { page, errors } = await open('#scene=01-digits');
    const cdp = await page.target().createCDPSession();
    const src = path.join(outDir, 'drop');
    fs.mkdirSync(src, { recursive: true });
    fs.mkdirSync('/tmp/drop', { recursive: true });
    const drop = async (name, text) => {
      fs.writeFileSync(path.join(src, name), text);
      const before = await page.evaluate(() => window.mixscope.query('status'));
      const data = { items: [], files: [path.join(src, name)], dragOperationsMask: 1 };
      for (const type of ['dragEnter', 'dragOver', 'drop'])
        await cdp.send('Input.dispatchDragEvent', { type, x: W / 2, y: H / 2, data });
      // the page reads the file asynchronously: wait for the status line to change
      await page.waitForFunction((b) => window.mixscope.query('status') !== b, { timeout: 5000 }, before)
        .catch(() => {});
      return page.evaluate(() => [window.mixscope.query('status'), window.mixscope.query('view')]);
    };
    // 6 points in two clusters of 3 (written here; the state must list the file and K = 2)
    const good = 'x,y\n0,0\n1,1\n0.5,0.2\n5,5\n6,6\n5.5,5.1\n';
    let [st, view] = await drop('two-blobs.csv', good);
    const state = await page.evaluate(() => window.mixscope.state());
    if (st !== 'Loaded two-blobs.csv' || view !== 'gmm' || state?.state?.dataset !== 'csv' ||
        state?.state?.data !== '/tmp/drop/two-blobs.csv')
      fail(`dropped two-blobs.csv: status '${st}', view '${view}', state ${JSON.stringify(state?.state)}`);
    else ok(`dropped two-blobs.csv: status '${st}', view gmm, dataset csv from ${state.state.data}`);
    const cases = [['bad.csv', '1,2\n3,x\n', ['gmm', '--data', '/tmp/drop/bad.csv', '--k', '2']],
                   ['bad.json', '{"mixscope_scene": 1, "view": "gmm", "state": {"k": "three"}}\n',
                    ['shot', '--view', 'gmm', '--scene', '/tmp/drop/bad.json', '--out', path.join(outDir, 'never.png')]]];
    for (const [name, text, cli] of cases) {
      fs.writeFileSync('/tmp/drop/' + name, text);
      let cliMsg = '';
      try { execFileSync(nativeBin, cli, { stdio: 'pipe', env: { ...process.env, SDL_VIDEODRIVER: 'dummy' } }); }
      catch (e) { cliMsg = e.stderr.toString().trim().replace(/^mixscope \w+: /, ''); }
      [st] = await drop(name, text);
      if (!cliMsg || st !== cliMsg) fail(`dropped ${name}: status '${st}', CLI '${cliMsg}'`);
      else ok(`dropped ${name}: '${st}' (as the CLI)`);
    }
    checkErrors('drop', errors);
    await page.close();
  }

  // Full MNIST that cannot be used: data.json says it is there (as scripts/web.sh --with-mnist
  // writes it) but a file is missing (404) or corrupt. The page must start on the bundled
  // sample and say why. The requests are answered by puppeteer's request interception.
  // a whole labels file (60,000 labels from a fixed LCG) whose gzip stream is cut in half
  const labels = Buffer.alloc(8 + 60000);
  labels.writeUInt32BE(0x801, 0); labels.writeUInt32BE(60000, 4);
  for (let i = 0, x = 1; i < 60000; i++) { x = (x * 1103515245 + 12345) >>> 0; labels[8 + i] = (x >>> 16) % 10; }
  const gz = zlib.gzipSync(labels);
  for (const [label, bad, why] of [['missing file', { status: 404, body: '' }, 'HTTP 404'],
                                   ['corrupt file', { status: 200, body: Buffer.from('not gzip at all\n') }, 'not gzip data'],
                                   ['truncated gzip', { status: 200, body: gz.subarray(0, gz.length >> 1) }, 'corrupt or truncated gzip data'],
                                   ['IDX cut short', { status: 200, body: zlib.gzipSync(labels.subarray(0, 10)) },
                                    '10 bytes, its header says 60008']]) {
    const page = await browser.newPage();
    const errors = [];
    page.on('console', (m) => {
      // the browser's own line for the 404 is expected; anything else fails
      if (m.type() === 'error' && !(bad.status === 404 && /status of 404/.test(m.text()))) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push('exception: ' + e.message));
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const u = new URL(req.url()).pathname;
      if (u.endsWith('/data.json')) req.respond({ status: 200, contentType: 'application/json', body: '{"mnist": true}' });
      else if (u.endsWith('/mnist/train-labels-idx1-ubyte.gz')) req.respond({ ...bad, contentType: 'application/gzip' });
      else if (u.includes('/mnist/')) // the other three: small valid IDX files (never used: the fetch stops at the bad one or after)
        req.respond({ status: 200, contentType: 'application/gzip', body: zlib.gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 5])) });
      else req.continue();
    });
    await page.goto(base + '#scene=01-digits', { waitUntil: 'load' });
    await page.waitForFunction('window.mixscope && window.mixscope.frames >= 3', { timeout: 60000 });
    const r = await page.evaluate(() => [window.mixscope.data, window.mixscope.query('status'),
                                         window.mixscope.query('view'), window.mixscope.query('scene')]);
    if (r[0] !== 'sample' || !r[1].startsWith(`Full MNIST fetch failed (train-labels-idx1-ubyte.gz: ${why}`) ||
        !r[1].endsWith('): using the bundled sample') ||
        r[2] !== 'digits' || r[3] !== '01-digits.json')
      fail(`MNIST ${label}: data '${r[0]}', status '${r[1]}', view '${r[2]}', scene '${r[3]}'`);
    else ok(`MNIST ${label}: fell back to the sample: '${r[1]}'`);
    checkErrors('MNIST ' + label, errors);
    await page.close();
  }

  { // a hash that names no scene
    const { page, errors } = await open('#scene=no-such-scene');
    const r = await page.evaluate(() => [window.mixscope.query('scene'), window.mixscope.query('status')]);
    if (r[0] !== '01-digits.json' || !/No scene "no-such-scene"/.test(r[1]))
      fail(`bad hash: scene '${r[0]}', status '${r[1]}'`);
    else ok(`bad hash: opened ${r[0]}, status: ${r[1]}`);
    checkErrors('bad hash', errors);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
if (failures) { console.log(`web_test: ${failures} failure(s)`); process.exit(1); }
console.log('web_test: all passed');
