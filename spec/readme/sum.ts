import { decodeJson, encodeJson, framesOf, upgrade, type PipelineHandler } from 'rodeo';
import { map } from 'rxjs';

const isNumbers = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'number');

/** Answers each JSON array of numbers with its sum, anything else with an error code. */
export const sum: PipelineHandler<null> = {
  init: () => upgrade(null),
  pipeline: (events$) =>
    events$.pipe(
      framesOf('text'),
      decodeJson(isNumbers),
      map((decoded) =>
        decoded.type === 'json'
          ? { sum: decoded.value.reduce((total, item) => total + item, 0) }
          : { error: decoded.error.code },
      ),
      encodeJson(),
    ),
};
