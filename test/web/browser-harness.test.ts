import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The browser harness against a real `gantry serve` serving a tiny stand-in UI: the page loads from a
// deep link, its own script and stylesheet run under the server's CSP, and an inline script does not.

const INDEX = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>harness</title>
  <link rel="stylesheet" href="/assets/app-1.css">
  <script type="module" src="/assets/app-1.js"></script>
</head>
<body>
  <p id="out">waiting for the script</p>
  <p id="inline">inline scripts are blocked</p>
  <script>document.getElementById('inline').textContent = 'inline script ran';</script>
</body>
</html>
`;

// Does what the React app does: renders into the page, sets styles through the CSSOM (as React's
// style props do) and calls the API on its own origin.
const SCRIPT = `const out = document.getElementById('out');
out.style.color = 'rgb(0, 128, 0)';
const health = await (await fetch('/healthz')).json();
out.textContent = 'rendered at ' + location.pathname + ', server ' + health.status;
`;

const STYLE = '#out { font-weight: 700; }\n';

describe('browser harness', browserSuiteOptions(), () => {
  const browser = useBrowser();
  let t: TestServer;
  let scratch: ScratchDir;
  const problems: string[] = [];
  const watch = (page: Page): Page => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return page;
  };

  before(async () => {
    scratch = await scratchDir('gantry-browser-');
    const webDir = join(scratch.path, 'dist');
    await mkdir(join(webDir, 'assets'), { recursive: true });
    await writeFile(join(webDir, 'index.html'), INDEX);
    await writeFile(join(webDir, 'assets', 'app-1.js'), SCRIPT);
    await writeFile(join(webDir, 'assets', 'app-1.css'), STYLE);
    t = await startTestServer('sqlite', { env: { GANTRY_WEB_DIR: webDir } });
  });
  after(async () => {
    await t?.stop();
    await scratch?.cleanup();
  });

  test('a deep link loads the page; its own script and stylesheet run under the CSP', async () => {
    problems.length = 0;
    const page = watch(await browser.newPage());
    const response = await page.goto(`${t.url}/projects/3/pipelines/7`);
    assert.equal(response?.status(), 200);
    const out = page.locator('#out');
    await out.filter({ hasText: 'rendered at /projects/3/pipelines/7, server ok' }).waitFor();
    assert.equal(await out.evaluate((element) => getComputedStyle(element).color), 'rgb(0, 128, 0)');
    assert.equal(await out.evaluate((element) => getComputedStyle(element).fontWeight), '700');
    // The inline script was refused (that is the only console error), so the CSP is in force.
    assert.equal(await page.locator('#inline').textContent(), 'inline scripts are blocked');
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0] ?? '', /Content Security Policy/);
    await screenshot(page, 'browser-harness-desktop');
  });

  test('the phone viewport is a 390 px wide touch screen', async () => {
    const page = await browser.newPage({ viewport: 'phone' });
    await page.goto(`${t.url}/`);
    await page.locator('#out', { hasText: 'rendered at /' }).waitFor();
    assert.equal(await page.evaluate(() => window.innerWidth), 390);
    assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), true);
    await screenshot(page, 'browser-harness-phone');
  });
});
