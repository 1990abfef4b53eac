// Renders each report.html (and a batch's portfolio.html) in headless Chromium (Debian's /usr/bin/chromium, a fresh profile)
// and checks: the page is not blank, the console shows no errors, no network request is made,
// and no script runs (hostile names set window.__pwned if they ever execute).
// Usage: node check.mjs OUT_DIR REPORT.html [REPORT.html ...]; screenshots go to OUT_DIR.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [outDir, ...reports] = process.argv.slice(2);
if (!outDir || reports.length === 0) {
  console.error('usage: node check.mjs OUT_DIR REPORT.html...');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'nichegraph-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
let passed = 0, failed = 0;
for (const report of reports) {
  const problems = [];
  const page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('request', r => {
    const url = r.url();
    if (!url.startsWith('file:') && !url.startsWith('data:')) problems.push(`network request: ${url}`);
  });
  const url = pathToFileURL(resolve(report)).href;
  await page.goto(url, { waitUntil: 'load' });
  const state = await page.evaluate(() => ({
    pwned: window.__pwned,
    text: document.body ? document.body.innerText : '',
    h1: document.querySelector('h1')?.innerText || '',
    images: [...document.images].map(i => ({ ok: i.complete && i.naturalWidth > 0, alt: i.alt })),
    scripts: document.scripts.length,
  }));
  if (state.pwned !== undefined) problems.push(`a script from the data ran (window.__pwned = ${state.pwned})`);
  if (state.scripts !== 0) problems.push(`${state.scripts} <script> element(s) in the DOM`);
  if (state.text.length < 500 || !state.h1) problems.push(`the page looks blank (${state.text.length} characters, h1 "${state.h1}")`);
  const broken = state.images.filter(i => !i.ok);
  if (broken.length) problems.push(`${broken.length} image(s) did not render: ${broken.map(i => i.alt).join(', ')}`);
  // A study's report has at least 4 charts; the batch's portfolio.html has its 2.
  const minCharts = Number(process.env.MIN_CHARTS || (basename(report) === 'portfolio.html' ? 2 : 4));
  if (state.images.length < minCharts) problems.push(`only ${state.images.length} chart(s); expected at least ${minCharts}`);
  const shot = join(outDir, `${basename(dirname(report))}-${basename(report, '.html')}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  await page.close();
  if (problems.length) {
    failed++;
    console.log(`FAIL ${report}\n  ${problems.join('\n  ')}`);
  } else {
    passed++;
    console.log(`ok   ${report} (${state.images.length} charts, screenshot ${shot})`);
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
