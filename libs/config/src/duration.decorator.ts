import { Transform } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { parseDuration } from './duration.js';

/** A duration key: accepts `100ms`, `30s`, `5m`, `1h` or milliseconds, and holds milliseconds once loaded. */
export function IsDuration(): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => parseDuration(value) ?? value)(target, key);
    IsInt({ message: '$property must be a duration such as 100ms, 30s, 5m or 1h (got $value)' })(target, key);
    Min(0)(target, key);
  };
}
