import { map, takeWhile, throttleTime } from 'rxjs';
import { framesOf, text, upgrade, type PipelineHandler } from 'rodeo';

/**
 * Shouts back what it hears, at most one message a second (the rest are dropped), until `bye`:
 * the pipeline completes, which closes the connection with 1000.
 */
export const shout: PipelineHandler<null> = {
  init: () => upgrade(null),
  pipeline: (events$) =>
    events$.pipe(
      framesOf('text'),
      takeWhile((frame) => frame.data !== 'bye'),
      throttleTime(1000),
      map((frame) => text(frame.data.toUpperCase())),
    ),
};
