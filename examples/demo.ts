/**
 * `npm start`: the demo on `PORT` (default 8080) and `HOST` (default 0.0.0.0).
 * `ECHO_MAX_FRAME_SIZE` (bytes) sets `/echo`'s message limit. SIGINT/SIGTERM close gracefully.
 */
import { startDemo } from './demoServer.js';

const demo = await startDemo({
  port: envInteger('PORT', 0) ?? 8080,
  host: process.env['HOST'] || '0.0.0.0',
  echoMaxFrameSize: envInteger('ECHO_MAX_FRAME_SIZE', 1),
});
console.log(`rodeo demo on ${demo.url} (ws routes: /echo /pipeline-echo /chat /clock)`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(1); // a second signal: stop waiting
    closing = true;
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

/** An integer ≥ `min` from the environment, `undefined` when unset; anything else exits. */
function envInteger(name: string, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (Number.isSafeInteger(value) && value >= min) return value;
  console.error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  process.exit(2);
}
