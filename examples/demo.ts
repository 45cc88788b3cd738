/**
 * `npm start`: the demo, configured by environment variables (see `demoEnv.ts`; a bad value exits
 * with status 2). SIGINT and SIGTERM close every connection with 1001 and exit 0; a second signal
 * exits at once with 1. With `REDIS_URL` the demo shares its chat through Redis with every other
 * demo on that Redis; with `WORKERS=n` as well, n `node:cluster` workers share `PORT`.
 */
import { runWorkers } from '../src/cluster/index.js';
import { RedisRegistry } from '../src/redis/index.js';
import type { Logger } from '../src/index.js';
import { DemoEnvError, demoOptionsFromEnv, scaleFromEnv, type DemoScale } from './demoEnv.js';
import { startDemo, type Demo, type DemoOptions } from './demoServer.js';

/**
 * A second signal sooner than this after the first is the same request delivered twice: under
 * `npm start`, a Ctrl-C reaches the demo from the terminal and again forwarded by npm.
 */
const REPEAT_WINDOW_MS = 1000;

/** Redis outages and the like, on the console. */
const consoleLogger: Logger = {
  debug: () => undefined,
  info: (fields, message) => console.log(`${message ?? ''} ${JSON.stringify(fields)}`),
  warn: (fields, message) => console.warn(`${message ?? ''} ${JSON.stringify(fields)}`),
  error: (fields, message) => console.error(`${message ?? ''} ${JSON.stringify(fields)}`),
};

const [options, scale] = readEnv();

if (scale.workers === undefined) {
  const demo = await start(options, scale).catch((err: unknown) => {
    console.error(`cannot start the demo on ${options.host}:${options.port}: ${String(err)}`);
    process.exit(1);
  });
  closeOnSignals(demo);
} else {
  // The primary hands connections to the workers; they close on SIGINT/SIGTERM themselves.
  const workers = scale.workers;
  await runWorkers({
    workers,
    logger: consoleLogger,
    repeatWindow: REPEAT_WINDOW_MS,
    start: () => start({ ...options, servedBy: `worker ${process.pid}` }, scale),
  }).then(
    (handle) => {
      if (handle.role === 'primary') console.log(`rodeo demo: ${workers} workers share the port`);
    },
    (err: unknown) => {
      console.error(`cannot start the demo's workers: ${String(err)}`);
      process.exit(1);
    },
  );
}

/** Starts the demo, on a Redis registry when `REDIS_URL` is set; `close` closes both. */
async function start(demoOptions: DemoOptions, { redisUrl }: DemoScale): Promise<Demo> {
  let demo: Demo;
  if (redisUrl === undefined) demo = await startDemo(demoOptions);
  else {
    const registry = await RedisRegistry.connect({ url: redisUrl, logger: consoleLogger });
    demo = await startDemo({ ...demoOptions, registry }).catch(async (err: unknown) => {
      await registry.close();
      throw err;
    });
    const close = demo.close;
    demo = { ...demo, close: () => close().then(() => registry.close()) };
  }
  const versions = demoOptions.tls === undefined ? '' : 'HTTP/2 and HTTP/1.1, ';
  const shared = redisUrl === undefined ? '' : `, chat shared through ${redisUrl}`;
  console.log(
    `rodeo demo on ${demo.url} (${versions}ws routes: /echo /pipeline-echo /chat /clock${shared})`,
  );
  return demo;
}

function closeOnSignals(demo: Demo): void {
  let firstSignalAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      const now = performance.now();
      if (firstSignalAt !== undefined) {
        if (now - firstSignalAt < REPEAT_WINDOW_MS) return;
        console.error(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      firstSignalAt = now;
      console.log(`${signal}: closing connections…`);
      demo.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

function readEnv(): [DemoOptions, DemoScale] {
  try {
    return [demoOptionsFromEnv(process.env), scaleFromEnv(process.env)];
  } catch (err) {
    if (!(err instanceof DemoEnvError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}
