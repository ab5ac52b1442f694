import { registerDecorator, type ValidationArguments } from 'class-validator';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `true`, `false`, or a list of environment variable names. */
export function IsInheritEnv(): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isInheritEnv',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown) {
          if (typeof value === 'boolean') return true;
          return Array.isArray(value) && value.every((name) => typeof name === 'string' && VAR_NAME.test(name));
        },
        defaultMessage(args: ValidationArguments) {
          const value = args.value as unknown;
          if (!Array.isArray(value)) return `${args.property} must be true, false or a list of variable names`;
          const bad = value.find((name) => typeof name !== 'string' || !VAR_NAME.test(name)) as unknown;
          return `${args.property} lists ${JSON.stringify(bad)}, which is not an environment variable name`;
        },
      },
    });
  };
}
