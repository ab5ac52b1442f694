import { Injectable } from '@nestjs/common';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

type Check = (input: unknown) => string | undefined;

/** Validates arguments against a tool's inputSchema, compiling each schema once. */
@Injectable()
export class SchemaValidator {
  private readonly ajv = new AjvJsonSchemaValidator();
  private readonly compiled = new WeakMap<object, Check>();

  /** The first problem found, or undefined when valid (or when the schema is one ajv cannot compile). */
  check(schema: object, input: unknown): string | undefined {
    let check = this.compiled.get(schema);
    if (!check) {
      check = this.compile(schema);
      this.compiled.set(schema, check);
    }
    return check(input);
  }

  private compile(schema: object): Check {
    try {
      const validate = this.ajv.getValidator(schema);
      return (input) => {
        const result = validate(input);
        return result.valid ? undefined : result.errorMessage;
      };
    } catch {
      // An exotic schema the validator cannot compile: let the backend judge the arguments.
      return () => undefined;
    }
  }
}
