/**
 * `npm start`: the demo, configured by environment variables (see `demoEnv.ts`; a bad value exits
 * with status 2). SIGINT and SIGTERM close every connection with 1001 and exit 0; a second signal
 * exits at once with 1.
 */
import { DemoEnvError, demoOptionsFromEnv } from './demoEnv.js';
import { startDemo, type DemoOptions } from './demoServer.js';

/**
 * A second signal sooner than this after the first is the same request delivered twice: under
 * `npm start`, a Ctrl-C reaches the demo from the terminal and again forwarded by npm.
 */
const REPEAT_WINDOW_MS = 1000;

const options = readOptions();
const demo = await startDemo(options).catch((err: unknown) => {
  console.error(`cannot start the demo on ${options.host}:${options.port}: ${String(err)}`);
  process.exit(1);
});
const versions = options.tls === undefined ? '' : 'HTTP/2 and HTTP/1.1, ';
console.log(`rodeo demo on ${demo.url} (${versions}ws routes: /echo /pipeline-echo /chat /clock)`);

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

function readOptions(): DemoOptions {
  try {
    return demoOptionsFromEnv(process.env);
  } catch (err) {
    if (!(err instanceof DemoEnvError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}
