import { registerDecorator, type ValidationArguments } from 'class-validator';

/** One `server.allowed_origins` entry: scheme and host exact, port exact, `*` (any) or absent (the default port). */
export interface OriginPattern {
  scheme: string;
  host: string;
  port?: string;
}

/** One `server.allowed_hosts` entry: a host name, optionally with the only port it may come with. */
export interface HostPattern {
  host: string;
  port?: string;
}

/** Browser pages served from the machine itself, on any port. */
export const LOCALHOST_ORIGINS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'].flatMap((host) => [
  `http://${host}:*`,
  `https://${host}:*`,
]);

export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

const HOST = String.raw`(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)`;
const ORIGIN = new RegExp(String.raw`^([a-z][a-z0-9+.-]*)://${HOST}(?::(\d{1,5}|\*))?$`, 'i');
const HOST_AND_PORT = new RegExp(String.raw`^${HOST}(?::(\d{1,5}))?$`, 'i');

/** `https://app.example.com`, `http://localhost:*`, `http://10.0.0.5:8080`; `*` alone allows every origin. */
export function parseOriginPattern(value: string): OriginPattern | '*' | undefined {
  if (value === '*') return '*';
  const match = ORIGIN.exec(value);
  if (!match) return undefined;
  return { scheme: match[1].toLowerCase(), host: match[2].toLowerCase(), port: match[3] };
}

/** `example.com` (any port) or `example.com:8080`, `[::1]`, `10.0.0.5`. */
export function parseHostPattern(value: string): HostPattern | undefined {
  const match = HOST_AND_PORT.exec(value);
  return match ? { host: match[1].toLowerCase(), port: match[2] } : undefined;
}

/** A list of origins (see parseOriginPattern); a bad entry is named by its index. */
export function IsOriginList(): PropertyDecorator {
  return listDecorator(
    'isOriginList',
    (entry) => parseOriginPattern(entry) !== undefined,
    'an origin such as https://app.example.com or http://localhost:* (scheme://host[:port|:*]), or *',
  );
}

/** A list of Host header values (see parseHostPattern); a bad entry is named by its index. */
export function IsHostList(): PropertyDecorator {
  return listDecorator(
    'isHostList',
    (entry) => parseHostPattern(entry) !== undefined,
    'a host name such as gateway.internal or gateway.internal:8080',
  );
}

function listDecorator(name: string, valid: (entry: string) => boolean, expected: string): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown) {
          return Array.isArray(value) && value.every((entry) => typeof entry === 'string' && valid(entry));
        },
        defaultMessage(args: ValidationArguments) {
          if (!Array.isArray(args.value)) return `${args.property} must be a list of strings`;
          const index = args.value.findIndex((entry) => typeof entry !== 'string' || !valid(entry));
          return `${args.property}.${index} must be ${expected} (got ${JSON.stringify(args.value[index])})`;
        },
      },
    });
  };
}
