import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { formatByteSize, parseByteSize } from './byte-size.js';

/** A size key: accepts `512kb`, `4mb`, `1gb` or a number of bytes, and holds bytes once loaded. */
export function IsByteSize(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => parseByteSize(value) ?? value)(target, key);
    IsInt({ message: '$property must be a size such as 512kb, 4mb or a number of bytes (got $value)' })(target, key);
    Min(min, { message: `$property must be at least ${formatByteSize(min)} (got $value)` })(target, key);
    Max(max, { message: `$property must be at most ${formatByteSize(max)} (got $value)` })(target, key);
  };
}
