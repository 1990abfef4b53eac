// Checks each investment proposal (proposals/<rank>-<product>.html) in headless Chromium
// (Debian's /usr/bin/chromium, a fresh profile): printed with `chromium --print-to-pdf` it is
// exactly one page (`pdfinfo` from poppler-utils), its screenshot is not blank, the console shows
// no errors, no network request is made, and no script from the data runs.
// Usage: node proposals.mjs OUT_DIR PROPOSAL.html [PROPOSAL.html ...]; PDFs and screenshots go
// to OUT_DIR.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [outDir, ...proposals] = process.argv.slice(2);
if (!outDir || proposals.length === 0) {
  console.error('usage: node proposals.mjs OUT_DIR PROPOSAL.html...');
  process.exit(2);
}
const executable = process.env.CHROMIUM || '/usr/bin/chromium';
const flags = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync'];
const profile = mkdtempSync(join(tmpdir(), 'nichegraph-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: executable, headless: true, args: flags, viewport: { width: 794, height: 1123 },
});

// A blank page's screenshot, to tell a drawn page from an empty one by how much it compresses.
const blankPage = await context.newPage();
await blankPage.setContent('<html><body style="background:#fff"></body></html>');
const blank = (await blankPage.screenshot()).length;
await blankPage.close();

/** Pages of the PDF that `chromium --print-to-pdf` makes of `file`, as pdfinfo counts them. */
function printedPages(file, pdf) {
  const printProfile = mkdtempSync(join(tmpdir(), 'nichegraph-print-'));
  try {
    execFileSync(executable, ['--headless', ...flags, `--user-data-dir=${printProfile}`,
      '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, pathToFileURL(resolve(file)).href],
      { stdio: 'ignore', timeout: 120000 });
  } finally {
    rmSync(printProfile, { recursive: true, force: true });
  }
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const m = info.match(/^Pages:\s+(\d+)/m);
  return m ? Number(m[1]) : NaN;
}

let passed = 0, failed = 0;
for (const proposal of proposals) {
  const problems = [];
  const page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('request', r => {
    const url = r.url();
    if (!url.startsWith('file:') && !url.startsWith('data:')) problems.push(`network request: ${url}`);
  });
  await page.goto(pathToFileURL(resolve(proposal)).href, { waitUntil: 'load' });
  const state = await page.evaluate(() => ({
    pwned: window.__pwned,
    text: document.body ? document.body.innerText : '',
    h1: document.querySelector('h1')?.innerText || '',
    scripts: document.scripts.length,
  }));
  if (state.pwned !== undefined) problems.push(`a script from the data ran (window.__pwned = ${state.pwned})`);
  if (state.scripts !== 0) problems.push(`${state.scripts} <script> element(s) in the DOM`);
  if (state.text.length < 300 || !state.h1) problems.push(`the page looks blank (${state.text.length} characters, h1 "${state.h1}")`);
  const stem = `${basename(dirname(dirname(proposal)))}-${basename(proposal, '.html')}`;
  const shot = join(outDir, `${stem}.png`);
  const png = await page.screenshot({ path: shot });
  if (png.length < blank * 4) problems.push(`the screenshot looks blank (${png.length} bytes; a blank page is ${blank})`);
  await page.close();
  const pdf = join(outDir, `${stem}.pdf`);
  let pages;
  try {
    pages = printedPages(proposal, pdf);
  } catch (e) {
    problems.push(`printing failed: ${e.message}`);
  }
  if (pages !== undefined && pages !== 1) problems.push(`prints on ${pages} A4 pages; expected exactly 1`);
  if (pages !== undefined && statSync(pdf).size < 2000) problems.push('the PDF looks empty');
  if (problems.length) {
    failed++;
    console.log(`FAIL ${proposal}\n  ${problems.join('\n  ')}`);
  } else {
    passed++;
    console.log(`ok   ${proposal} (1 page, ${pdf}, screenshot ${shot})`);
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
console.log(`proposals: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
