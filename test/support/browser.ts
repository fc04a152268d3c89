import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { skipOutsideCi } from '../runner/real-dependency.ts';

/** Debian's Chromium, installed by `scripts/setup.sh --test`. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where {@link screenshot} writes (under the gitignored /test-results/). */
export const SCREENSHOT_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test-results',
  'screenshots',
);

/** The sizes the UI must work at: a laptop screen, and a phone held upright. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

// Headless without GPU or sandbox (containers have neither), and nothing that would call out to the
// internet: no QUIC, no background fetches, no component or sync updates.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why browser tests cannot run here, or undefined when they can. */
export function browserUnavailableReason(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `${CHROMIUM_PATH} is missing: install Debian's Chromium (apt-get install chromium, or bash scripts/setup.sh --test)`;
}

/**
 * The options for `describe(name, options, …)` of a browser test file: skipped when Chromium is
 * missing, except when `CI=true`, where {@link useBrowser} then fails the tests instead.
 */
export function browserSuiteOptions(): { skip?: string } {
  const reason = browserUnavailableReason();
  return skipOutsideCi(reason);
}

/**
 * Launches Debian's Chromium headless with the arguments the browser tests use, for callers without
 * test hooks (benchmarks); close it when done.
 * @throws when Chromium is missing, an error saying how to install it.
 */
export async function launchChromium(): Promise<Browser> {
  const reason = browserUnavailableReason();
  if (reason !== undefined) throw new Error(reason);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** What a test file's browser offers: pages, each in a fresh context (no cookies or storage shared). */
export interface TestBrowser {
  /**
   * A new page at the desktop size (1280×800) unless `viewport` says otherwise: `'phone'` is a touch
   * phone (390×844, mobile viewport rules), a `{ width, height }` a desktop window of that size.
   */
  newPage(options?: { viewport?: keyof typeof VIEWPORTS | { width: number; height: number } }): Promise<Page>;
}

/**
 * Launches one Chromium for the calling test file (or `describe`), in its `before` hook, and closes
 * it in `after`. Each launch gets its own temporary profile.
 * @throws in `before`, when Chromium is missing, an error saying how to install it.
 */
export function useBrowser(): TestBrowser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return {
    async newPage({ viewport = 'desktop' } = {}) {
      if (browser === undefined)
        throw new Error('useBrowser(): pages can be opened only in tests, once the browser started');
      const phone = viewport === 'phone';
      const context = await browser.newContext({
        viewport: typeof viewport === 'string' ? VIEWPORTS[viewport] : viewport,
        isMobile: phone,
        hasTouch: phone,
      });
      return context.newPage();
    },
  };
}

/**
 * Saves a full-page PNG of `page` as `test-results/screenshots/<name>.png` and returns its path, for
 * people to look at (the files are not committed).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name))
    throw new Error(`screenshot name must be letters, digits, ".", "_" or "-": ${name}`);
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}
