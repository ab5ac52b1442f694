import { registerDecorator, type ValidationArguments } from 'class-validator';

/** A map of string to string, such as `env` or `headers`; numbers and booleans are refused so YAML's `yes` cannot sneak in. */
export function IsStringRecord(): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isStringRecord',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          return Object.values(value).every((v) => typeof v === 'string');
        },
        defaultMessage(args: ValidationArguments) {
          const value = args.value as unknown;
          if (value === null || typeof value !== 'object' || Array.isArray(value)) {
            return `${args.property} must be a map of names to strings`;
          }
          const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
          return `${args.property}.${bad?.[0]} must be a string (quote it in YAML)`;
        },
      },
    });
  };
}
