/**
 * End to end: the demo page in headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * `playwright-core`), talking to the real demo server over real WebSockets — once over plain
 * HTTP/1.1, once over HTTPS, where the page and its WebSockets share one HTTP/2 connection (a
 * throwaway self-signed certificate, which Chromium is told to accept).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemo, type Demo, type DemoOptions } from '../../examples/demoServer.js';
import { makeCertificate } from '../server/h2Peer.js';

const CHROMIUM = '/usr/bin/chromium';
const SECTIONS = ['echo', 'chat', 'clock'] as const;
type Section = (typeof SECTIONS)[number];
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Longest wait for anything on the page; a hang fails the test instead of stalling it. */
const WAIT = 10_000;
/** Short timeouts, so a page left alone passes the idle timeout within a test. */
const IDLE_TIMEOUT = 1500;
const DEMO: DemoOptions = { port: 0, host: '127.0.0.1', idleTimeout: IDLE_TIMEOUT, keepalive: 500 };

/** How the page reaches the demo: the HTTP version its WebSockets ride on. */
interface Mode {
  readonly name: string;
  readonly http: 'HTTP/1.1' | 'HTTP/2';
  readonly tls: boolean;
}

const MODES: readonly Mode[] = [
  { name: 'over HTTP/1.1', http: 'HTTP/1.1', tls: false },
  { name: 'over HTTPS with HTTP/2', http: 'HTTP/2', tls: true },
];

describe.each(MODES)('demo page in Chromium $name', { timeout: 60_000 }, (mode) => {
  let options: DemoOptions = DEMO;
  let demo: Demo | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let pageErrors: Error[] = [];

  beforeEach(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`,
      );
    }
    pageErrors = [];
    demo = await startDemo(options);
    profile = await mkdtemp(join(tmpdir(), 'rodeo-e2e-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: mode.tls ? [...ARGS, '--ignore-certificate-errors'] : ARGS,
    });
  }, 60_000);

  beforeAll(async () => {
    if (mode.tls) options = { ...DEMO, tls: await makeCertificate() };
  });

  afterEach(async () => {
    await context?.close();
    await demo?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    context = demo = profile = undefined;
  }, 60_000);

  /** The demo the page talks to now. */
  function running(): Demo {
    if (!demo) throw new Error('not started');
    return demo;
  }

  async function openPage(): Promise<Page> {
    if (!context || !demo) throw new Error('not started');
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(demo.url);
    return page;
  }

  it('echoes what a person types', async () => {
    const page = await openPage();
    await connected(page, 'echo');
    await page.fill('#echo-input', 'hello, rodeo 🤠');
    await page.click('#echo-send');
    await page.locator('#echo-log li.received', { hasText: 'hello, rodeo 🤠' }).waitFor();
    expect(await page.inputValue('#echo-input')).toBe('');
    // A log keeps its last 500 lines only.
    await page.evaluate(`for (let i = 0; i < 600; i++) log($('echo-log'), 'line ' + i)`);
    expect(await page.locator('#echo-log li').count()).toBe(500);
    expect(await page.locator('#echo-log li').first().textContent()).toBe('line 100');
    expect(pageErrors).toEqual([]);
  });

  it(`carries every WebSocket of the page ${mode.name}`, async () => {
    const page = await openPage();
    expect(page.url()).toMatch(mode.tls ? /^https:/ : /^http:/);
    await joinChat(page, 'ann');
    for (const section of SECTIONS) await connected(page, section);
    // The server's record of each connection's transport: all three sockets on the mode's version.
    const other = mode.http === 'HTTP/2' ? 'HTTP/1.1' : 'HTTP/2';
    expect(running().metrics.upgraded).toEqual({ [mode.http]: SECTIONS.length, [other]: 0 });
    await page.fill('#echo-input', 'which transport?');
    await page.click('#echo-send');
    await page.locator('#echo-log li.received', { hasText: 'which transport?' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('lets two people chat', async () => {
    const ann = await openPage();
    const bob = await openPage();
    await joinChat(ann, 'ann');
    await joinChat(bob, 'bob');
    await ann.locator('#chat-log li', { hasText: '* bob joined' }).waitFor();

    await say(ann, 'hi bob');
    await bob.locator('#chat-log li', { hasText: 'ann: hi bob' }).waitFor();
    await say(bob, 'hi ann');
    await ann.locator('#chat-log li', { hasText: 'bob: hi ann' }).waitFor();

    await say(bob, '/nick robert');
    await ann.locator('#chat-log li', { hasText: '* bob is now robert' }).waitFor();
    await bob.close();
    await ann.locator('#chat-log li', { hasText: '* robert left' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('keeps a page that only listens connected past the idle timeout (keepalive pings)', async () => {
    const page = await openPage();
    await joinChat(page, 'ann');
    for (const section of SECTIONS) await connected(page, section);
    // Two idle timeouts and then some, read off the server's own clock on the page.
    const until = Date.now() + 2 * IDLE_TIMEOUT + 500;
    await page.waitForFunction(
      `Date.parse(document.getElementById('clock').textContent) > ${until}`,
    );
    for (const section of SECTIONS) {
      expect(await page.textContent(`#${section}-status`)).toBe('connected');
      expect(await page.getAttribute(`#${section}-status`, 'data-closes')).toBe('0');
    }
    await say(page, 'still here');
    await page.locator('#chat-log li', { hasText: 'ann: still here' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('says when the server went away, and reconnects once it is back on the same port', async () => {
    const page = await openPage();
    await joinChat(page, 'ann');
    await connected(page, 'echo');
    await connected(page, 'clock');
    const port = running().port;

    await running().close();
    for (const section of SECTIONS) {
      await page
        .locator(`#${section}-status`, { hasText: /^closed \(1001\) — reconnecting in \d+ s…$/ })
        .waitFor();
    }
    demo = await startDemo({ ...options, port });
    for (const section of SECTIONS) await connected(page, section);
    await page.locator('#chat-log li', { hasText: '* ann joined' }).nth(1).waitFor();
    await page.fill('#echo-input', 'back again');
    await page.click('#echo-send');
    await page.locator('#echo-log li.received', { hasText: 'back again' }).waitFor();
    const ticked = (await page.textContent('#clock')) ?? '';
    await page.locator('#clock', { hasNotText: ticked }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});

async function joinChat(page: Page, nick: string): Promise<void> {
  await page.fill('#chat-nick', nick);
  await page.click('#chat-join');
  await connected(page, 'chat');
}

/** Waits until the section's status says its socket is open. */
async function connected(page: Page, section: Section): Promise<void> {
  await page.locator(`#${section}-status`, { hasText: /^connected$/ }).waitFor();
}

async function say(page: Page, line: string): Promise<void> {
  await page.fill('#chat-input', line);
  await page.click('#chat-send');
}
