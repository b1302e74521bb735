// Load times of the review page in Chromium, as a table (a measurement, not a test):
//     node tests/browser/loadtime.mjs [PAIRS ...]        (default: 1000 10000 50000)
// Needs what tests/browser/run builds and installs. For each size the `review_pages` example
// writes a page of made-up pairs; each page is opened three times in a fresh tab and the medians
// of the page's own marks are printed: data parsed (the embedded JSON read), script done (first
// block of rows built, filters ready), first pairs painted (Element Timing of the first pair),
// all rows built (the rest are built while the page is idle), and the frame time while
// scrolling 200 px a frame for 300 frames.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const browser = await chromium.launch({
  executablePath: process.env.NAZIR_CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
console.log(`Chromium ${browser.version()}, headless, viewport 1400×900, ${os.cpus().length} CPUs (${os.cpus()[0].model})`);
console.log('| pairs | page MB | data parsed ms | script done ms | first pairs painted ms | all rows built ms | scroll frame p50 / p95 / max ms |');
console.log('|---:|---:|---:|---:|---:|---:|---|');
for (const n of sizes.length ? sizes : [1000, 10000, 50000]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nazir-load-'));
  execFileSync(path.join(target, 'debug/examples/review_pages'), [dir, '--big', String(n)], { stdio: 'ignore' });
  const page = path.join(dir, 'big.ar-en.html');
  const runs = [];
  let scroll = null;
  for (let k = 0; k < 3; k++) {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await tab.goto('file://' + page, { timeout: 120000 });
    await tab.waitForSelector('html[data-complete]', { timeout: 120000 });
    runs.push(await tab.evaluate(() => new Promise((done) => {
      new PerformanceObserver((list) => {
        const e = list.getEntries()[0];
        const mark = (name) => performance.getEntriesByName(name)[0].startTime;
        done([mark('nazir-parsed'), window.nazirReview.readyAt, e.renderTime || e.loadTime, mark('nazir-complete')]);
      }).observe({ type: 'element', buffered: true });
    })));
    if (k === 2) {
      scroll = await tab.evaluate(() => new Promise((done) => {
        const gaps = [];
        let last = 0;
        const tick = (t) => {
          if (last) gaps.push(t - last);
          last = t;
          window.scrollBy(0, 200);
          if (gaps.length < 300) requestAnimationFrame(tick);
          else { gaps.sort((a, b) => a - b); done([gaps[150], gaps[285], gaps[299]]); }
        };
        requestAnimationFrame(tick);
      }));
    }
    await tab.close();
  }
  const col = (i) => median(runs.map((r) => r[i])).toFixed(0);
  const mb = (fs.statSync(page).size / 1e6).toFixed(1);
  console.log(`| ${n} | ${mb} | ${col(0)} | ${col(1)} | ${col(2)} | ${col(3)} | ${scroll.map((x) => x.toFixed(0)).join(' / ')} |`);
  fs.rmSync(dir, { recursive: true, force: true });
}
await browser.close();
