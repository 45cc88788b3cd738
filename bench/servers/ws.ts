/** Bare `ws` under test: the minimal echo of `wsEcho.ts`, one write per `send`. */
import { runWsEcho } from './wsEcho.js';

runWsEcho(false);
