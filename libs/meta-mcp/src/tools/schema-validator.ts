import { Injectable } from '@nestjs/common';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

type Check = (input: unknown) => string | undefined;

/** Validates arguments against a tool's inputSchema, compiling each schema once. */
@Injectable()
export class SchemaValidator {
  private readonly ajv = new AjvJsonSchemaValidator();
  private readonly compiled = new WeakMap<object, Check>();

  /**
   * For every session's SDK Server: left to itself, each Server builds an Ajv instance of its own (about 10 KB of
   * heap per idle session) that the gateway never uses (it forwards elicitations rather than validating them).
   */
  get forServers(): jsonSchemaValidator {
    return this.ajv;
  }

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
