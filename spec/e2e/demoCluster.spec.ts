/**
 * End to end, scaled out: `WORKERS=2 REDIS_URL=… npm start`, two people in headless Chromium whose
 * chat sockets are on different workers (each 101 says which, in `X-Served-By`, read through the
 * DevTools protocol), chatting across them.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killStarted, npmStart } from '../redis/npmStart.js';
import { startRedis, type TestRedis } from '../redis/redisServer.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
const WAIT = 10_000;

describe('demo page in Chromium, WORKERS=2 on Redis', { timeout: 90_000 }, () => {
  let redis: TestRedis | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let port = 0;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
    redis = await startRedis();
    port = await npmStart({ REDIS_URL: redis.url, WORKERS: '2' });
    profile = await mkdtemp(join(tmpdir(), 'rodeo-e2e-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    killStarted();
    await redis?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  }, 60_000);

  /** A page that joined the chat as `nick`, and the worker its chat socket is on. */
  async function member(nick: string): Promise<{ page: Page; worker: string }> {
    if (!context) throw new Error('not started');
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const urls = new Map<string, string>();
    cdp.on('Network.webSocketCreated', (e) => void urls.set(e.requestId, e.url));
    const worker = new Promise<string>((resolve) => {
      cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
        if (!urls.get(e.requestId)?.includes('/chat')) return;
        const headers = e.response.headers as Record<string, string>;
        resolve(headers['X-Served-By'] ?? headers['x-served-by'] ?? '');
      });
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.fill('#chat-nick', nick);
    await page.click('#chat-join');
    await page.locator('#chat-status', { hasText: /^connected$/ }).waitFor();
    return { page, worker: await worker };
  }

  it('lets two people on different workers chat, with one member list', async () => {
    const ann = await member('ann');
    let bob = await member('bob');
    for (let i = 1; bob.worker === ann.worker && i < 10; i++) {
      await bob.page.close();
      bob = await member(`bob${i}`);
    }
    expect(ann.worker).toMatch(/^worker \d+$/);
    expect(bob.worker).toMatch(/^worker \d+$/);
    expect(bob.worker).not.toBe(ann.worker);
    const bobNick = (await bob.page.inputValue('#chat-nick')).trim();
    await bob.page.locator('#chat-log li', { hasText: `* here: ann, ${bobNick}` }).waitFor();
    await ann.page.locator('#chat-log li', { hasText: `* ${bobNick} joined` }).waitFor();
    await ann.page.fill('#chat-input', 'hi from the other worker');
    await ann.page.click('#chat-send');
    await bob.page.locator('#chat-log li', { hasText: 'ann: hi from the other worker' }).waitFor();
    await bob.page.fill('#chat-input', 'hi back');
    await bob.page.click('#chat-send');
    await ann.page.locator('#chat-log li', { hasText: `${bobNick}: hi back` }).waitFor();
  });
});
