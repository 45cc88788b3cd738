/** Bare `ws` corking per tick: the echo of `wsEcho.ts`, the real limit of a design on ws. */
import { runWsEcho } from './wsEcho.js';

runWsEcho(true);
