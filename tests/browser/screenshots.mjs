// Screenshots of the review page for docs/ (not a test): run tests/browser/run once (it builds
// align and the review_pages example and installs playwright-core), then
//     node tests/browser/screenshots.mjs
// docs/review-desktop.png and docs/review-narrow.png show TICO-19's first Wikinews document
// (real Arabic and its human English, CC0; needs ../shared or NAZIR_SHARED) with the first three
// pairs confirmed; docs/review-flags.png the sample article through the tiny test model, whose
// English is random but whose flags are real.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nazir-shots-'));
execFileSync(path.join(target, 'debug/examples/review_pages'), [dir], { stdio: 'ignore' });
execFileSync(path.join(target, 'debug/align'), ['corpora/samples/bbc-russia-north-korea.ar.txt',
  '--model', 'tests/fixtures/models/opus-mt-ar-en-tiny', '--out-dir', dir,
  '--format', 'html', '--max-output-tokens', '16', '-q'], { cwd: root });
if (!fs.existsSync(path.join(dir, 'tico.ar-en.html'))) throw new Error('no TICO-19 page: set NAZIR_SHARED to the shared data directory');

const browser = await chromium.launch({
  executablePath: process.env.NAZIR_CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const shots = [
  ['tico.ar-en.html', 'review-desktop.png', 1280, 760, ['c', 'j', 'c', 'j', 'c', 'j']],
  ['tico.ar-en.html', 'review-narrow.png', 390, 760, ['c', 'j']],
  ['bbc-russia-north-korea.ar-en.html', 'review-flags.png', 1280, 560, ['n']],
];
for (const [page, png, width, height, keys] of shots) {
  const tab = await browser.newPage({ viewport: { width, height } });
  await tab.goto('file://' + path.join(dir, page));
  await tab.waitForSelector('html[data-ready]');
  for (const k of keys) await tab.keyboard.press(k);
  await tab.evaluate(() => window.scrollTo(0, 0));
  await tab.waitForTimeout(300);
  await tab.screenshot({ path: path.join(root, 'docs', png) });
  console.log(`docs/${png}: ${fs.statSync(path.join(root, 'docs', png)).size} bytes`);
  await tab.close();
}
await browser.close();
fs.rmSync(dir, { recursive: true, force: true });
