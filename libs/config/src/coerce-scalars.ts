const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * YAML types a value by its spelling, and `${PORT}` is always a string once substituted. Where the schema's default
 * says a key is a number or a boolean, an unambiguous string ("8080", "true", "false") takes that type; anything
 * else is left for the validator to report.
 */
export function coerceScalars(instance: object): void {
  const defaults = new (instance.constructor as new () => Record<string, unknown>)();
  const target = instance as Record<string, unknown>;
  for (const [key, value] of Object.entries(target)) {
    const expected = typeof defaults[key];
    if (typeof value === 'string') {
      if (expected === 'number' && NUMBER.test(value.trim())) target[key] = Number(value);
      else if (expected === 'boolean' && (value === 'true' || value === 'false')) target[key] = value === 'true';
    } else if (value && typeof value === 'object' && value.constructor !== Object && !Array.isArray(value)) {
      coerceScalars(value);
    }
  }
}
