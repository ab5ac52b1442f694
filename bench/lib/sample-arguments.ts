// Minimal arguments that satisfy a tool's JSON Schema: only required properties, the simplest valid value of each.
// Used to make real gateway_invoke calls against catalog tools (which validates arguments before forwarding).

type Schema = Record<string, unknown>;

function firstOf(schema: Schema): Schema | undefined {
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0) return list[0] as Schema;
  }
  return undefined;
}

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string;
  if (typeof type === 'string') return type;
  if (schema.properties) return 'object';
  return undefined;
}

export function sampleValue(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return 'x';
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  const alternative = firstOf(schema);
  if (alternative && !schema.type) return sampleValue(alternative, depth + 1);
  switch (typeOf(schema) ?? 'string') {
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
      const exclusive = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
      return Math.ceil(exclusive ?? min ?? 1);
    }
    case 'boolean':
      return true;
    case 'array': {
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: minItems }, () => sampleValue(schema.items as Schema | undefined, depth + 1));
    }
    case 'object':
      return sampleArguments(schema, depth + 1);
    case 'null':
      return null;
    default:
      return sampleString(schema);
  }
}

function sampleString(schema: Schema): string {
  switch (schema.format) {
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'email':
      return 'bench@example.com';
    case 'date':
      return '2025-01-01';
    case 'date-time':
      return '2025-01-01T00:00:00Z';
    default: {
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 1;
      return 'x'.repeat(Math.max(1, minLength));
    }
  }
}

/** An object holding every required property of `schema`. */
export function sampleArguments(schema: Schema | undefined, depth = 0): Record<string, unknown> {
  const properties = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = Array.isArray(schema?.required) ? (schema.required as string[]) : [];
  return Object.fromEntries(required.map((name) => [name, sampleValue(properties[name], depth)]));
}
