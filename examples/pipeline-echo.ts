/**
 * Echo written as an RxJS pipeline instead of callbacks: frames in, commands out. The text `bye`
 * closes the connection with 1000, the way a callback handler's `stop` would.
 */
import { filter, map, takeWhile, type Observable } from 'rxjs';
import {
  close,
  upgrade,
  type Command,
  type InFrame,
  type HandlerEvent,
  type PipelineHandler,
} from '../src/index.js';

/** The text that ends the conversation. */
export const BYE = 'bye';

/**
 * A pipeline handler that echoes text and binary messages until it receives {@link BYE}.
 *
 * ```
 * events:  -a-b-y      y = text 'bye'
 * output:  -a-b-(c|)   c = close(1000, 'bye')
 * ```
 *
 * @return The pipeline echo handler.
 */
export function pipelineEchoHandler(): PipelineHandler<null> {
  return {
    init: () => upgrade(null, { compress: true }),
    pipeline: (events$: Observable<HandlerEvent<never>>): Observable<Command> =>
      events$.pipe(
        filter((event) => event.type === 'frame'),
        map((event): InFrame => event.frame),
        filter((frame) => frame.type === 'text' || frame.type === 'binary'),
        takeWhile((frame) => !(frame.type === 'text' && frame.data === BYE), true),
        map((frame): Command => (frame.type === 'text' && frame.data === BYE ? close(BYE) : frame)),
      ),
  };
}
