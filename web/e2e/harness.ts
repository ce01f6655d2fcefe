import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test/helpers';
import { seedDemo } from '../../modules/identity';
import type { BuildOptions } from '../../gateway/app';

// Browser flows chain several page waits; on a loaded CI machine they need more than the unit-test budget.
vi.setConfig({ testTimeout: 90_000 });

/** Browser tests drive the built SPA (scripts/install.sh builds it before `npm test`). */
export const DIST = path.resolve(import.meta.dirname, '../dist');
export const SCREENSHOTS = process.env.FIG_SCREENSHOTS_DIR ?? path.join('/tmp', 'fig-e2e-screenshots');
export const CHROMIUM = '/usr/bin/chromium';

/** Fail early and clearly when there is nothing to test. */
export function assertBuilt(): void {
  if (!existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`web/dist/index.html is missing: build the SPA first with \`npm run web:build\` (npm test does it through scripts/install.sh).`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/install.sh --browser).`);
}

/** A real gateway on a free port, serving web/dist at /app/, in front of the run's legacy service. */
export async function startGateway(overrides: Record<string, string> = {}, opts: BuildOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const { app } = await buildTestApp({ WEB_DIST_DIR: DIST, JWT_KEYS: 'e2e:e2e-secret-0123456789abcdef0123456789', ...overrides }, opts);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('gateway did not bind');
  return { app, url: `http://127.0.0.1:${addr.port}` };
}

/** What a browser test drives: a gateway with the demo tenant and users, and a browser. `close` ends both. */
export interface Demo {
  app: FastifyInstance;
  url: string;
  browser: Browser;
  close: () => Promise<void>;
}

/** The usual browser-test setup: check the SPA is built, start a gateway, seed the demo users, launch chromium. */
export async function startDemo(): Promise<Demo> {
  assertBuilt();
  const { app, url } = await startGateway();
  try {
    await seedDemo(app.db);
    const browser = await launchBrowser();
    const close = async () => {
      await browser.close();
      await app.close();
    };
    return { app, url, browser, close };
  } catch (err) {
    await app.close();
    throw err;
  }
}

/**
 * startDemo() before the enclosing describe's tests and close() after them (registers beforeAll and
 * afterAll). The fields are set once beforeAll has run: read them inside tests, not at collection.
 */
export function useDemo(): Demo {
  const demo = {} as Demo;
  beforeAll(async () => {
    Object.assign(demo, await startDemo());
  });
  afterAll(async () => {
    await demo.close?.();
  });
  return demo;
}

/** Debian's chromium, headless. Pages get a 10 s default wait so a failure names its locator before the test times out. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (...args) => {
    const page = await newPage(...args);
    page.setDefaultTimeout(25_000); // a loaded 2-core CI box can be slow; waits end as soon as the element shows
    return page;
  };
  return browser;
}

/** Save a screenshot for a human to look at (not asserted). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/**
 * A real `npm run worker` process (outbox delivery, schedules) for browser flows that need mail;
 * resolves once it logged "worker started". Stop it with `stopWorker`.
 */
export async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const worker = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../../gateway/worker.ts')], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let started = false;
  worker.stdout!.setEncoding('utf8');
  worker.stdout!.on('data', (chunk: string) => {
    if (chunk.includes('worker started')) started = true;
  });
  const deadline = Date.now() + 60_000;
  while (!started && worker.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (!started) {
    worker.kill('SIGKILL');
    throw new Error('the worker did not start within 60 s');
  }
  return worker;
}

/** SIGTERM a worker from `startWorker` and wait for it to exit. */
export async function stopWorker(worker: ChildProcess | undefined): Promise<void> {
  if (!worker || worker.exitCode !== null) return;
  const exited = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGTERM');
  await exited;
}
