import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse as parseShellWords } from 'shell-quote';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { authProblems, loadAuthRoles } from './auth-config.loader.js';
import { BACKEND_NAME, BackendConfig, HTTP_TRANSPORTS } from './backend-config.js';
import type { CliFlags } from './cli-flags.js';
import { ConfigError } from './config-error.js';
import { GatewayConfig } from './gateway-config.js';
import { coerceScalars } from './coerce-scalars.js';
import { interpolateEnv } from './interpolate.js';
import { gatewayPackage } from './package-root.js';
import { validationProblems } from './validation-problems.js';

export interface LoadConfigOptions {
  flags?: CliFlags;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Where a config given as an object (not a file) says it came from, in logs and `config.source`. */
export const OBJECT_CONFIG_SOURCE = '(module options)';

type Tree = Record<string, unknown>;
const VALIDATE = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
} as const;
const DEFAULT_CONFIG_PATH = 'config/gateway.yaml';

/** YAML file -> `${VAR}` substitution -> env and CLI overlays -> validation -> one typed GatewayConfig. */
export function loadGatewayConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolveConfigPath(options.flags ?? {}, env, cwd);
  return validateConfigTree(readYaml(file), { env, flags: options.flags ?? {}, configDir: dirname(file) }, file);
}

/**
 * A config given as a plain object of the YAML's shape (GatewayModule.forRoot({ config })), through the same
 * pipeline as a file: `${VAR}` substitution, env overlays, validation, one ConfigError listing every bad key.
 * Relative backend `cwd`s resolve against `options.cwd` (the working directory by default).
 */
export function loadGatewayConfigFromObject(
  tree: Record<string, unknown>,
  options: LoadConfigOptions = {},
): GatewayConfig {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) {
    throw new ConfigError(['config: must be a mapping of keys (server, backends, ...)']);
  }
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const context = { env, flags: options.flags ?? {}, configDir: cwd };
  return validateConfigTree(structuredClone(tree), context, OBJECT_CONFIG_SOURCE);
}

interface TreeContext {
  env: NodeJS.ProcessEnv;
  flags: CliFlags;
  /** What relative backend `cwd`s resolve against. */
  configDir: string;
}

function validateConfigTree(raw: Tree, { env, flags, configDir }: TreeContext, source: string): GatewayConfig {
  const interpolated = interpolateEnv(raw, env);
  const tree = interpolated.value as Tree;
  const origins = applyOverlays(tree, flags, env);
  const problems = [...interpolated.problems];

  const { backends: rawBackends, ...rest } = tree;
  const rawRoles = takeAuthRoles(rest);
  const config = plainToInstance(GatewayConfig, rest, { exposeDefaultValues: true });
  coerceScalars(config);
  problems.push(...validationProblems(validateSync(config, VALIDATE), '', origins));
  if (config.auth) config.auth.roles = loadAuthRoles(rawRoles, problems);
  if (!problems.length) problems.push(...authProblems(config));
  config.backends = {};
  for (const [name, raw] of Object.entries(asBackendMap(rawBackends, problems))) {
    const backend = loadBackend(name, raw, configDir, problems);
    if (backend) config.backends[name] = backend;
  }
  if (problems.length) throw new ConfigError(firstProblemPerKey(problems));
  config.source = source;
  return config;
}

function resolveConfigPath(flags: CliFlags, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = flags.config ?? env.MCP_GATEWAY_CONFIG;
  if (chosen) {
    const path = resolve(cwd, chosen);
    if (!existsSync(path)) throw new ConfigError([`config file not found: ${path}`]);
    return path;
  }
  // Without a choice, the working directory's config wins, else the one shipped with the gateway.
  const local = resolve(cwd, DEFAULT_CONFIG_PATH);
  return existsSync(local) ? local : resolve(gatewayPackage().root, DEFAULT_CONFIG_PATH);
}

/**
 * yaml's pretty message is `<what> at line 4, column 1:`, a blank line, then the lines around it with a caret.
 * All of it, the colon kept only where the excerpt follows (indented under the problem line).
 */
function yamlErrorText(error: YAMLParseError): string {
  const [first = '', ...rest] = error.message.split('\n');
  const excerpt = rest.filter((line) => line.trim() !== '');
  if (excerpt.length === 0) return first.replace(/:$/, '');
  return [first, ...excerpt.map((line) => `    ${line}`)].join('\n');
}

function readYaml(file: string): Tree {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const detail = error instanceof YAMLParseError ? yamlErrorText(error) : (error as Error).message;
    throw new ConfigError([`${file}: not valid YAML: ${detail}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`${file}: the top level must be a mapping of keys (server, backends, ...)`]);
  }
  return parsed as Tree;
}

/** CLI flags beat MCP_GATEWAY_* variables, which beat the file. Returns which key came from where. */
function applyOverlays(tree: Tree, flags: CliFlags, env: NodeJS.ProcessEnv): Map<string, string> {
  const origins = new Map<string, string>();
  const layers: Array<[string, string, string | undefined, string]> = [
    ['server', 'port', env.MCP_GATEWAY_PORT, 'MCP_GATEWAY_PORT'],
    ['server', 'host', env.MCP_GATEWAY_HOST, 'MCP_GATEWAY_HOST'],
    ['logging', 'level', env.MCP_GATEWAY_LOG_LEVEL, 'MCP_GATEWAY_LOG_LEVEL'],
    ['logging', 'format', env.MCP_GATEWAY_LOG_FORMAT, 'MCP_GATEWAY_LOG_FORMAT'],
    ['server', 'port', flags.port, '--port'],
    ['server', 'host', flags.host, '--host'],
    ['logging', 'level', flags.logLevel, '--log-level'],
    ['logging', 'format', flags.logFormat, '--log-format'],
  ];
  for (const [section, key, value, origin] of layers) {
    if (value === undefined || value === '') continue;
    const target = tree[section] && typeof tree[section] === 'object' ? (tree[section] as Tree) : {};
    target[key] = key === 'port' && /^\d+$/.test(value) ? Number(value) : value;
    tree[section] = target;
    origins.set(`${section}.${key}`, origin);
  }
  return origins;
}

/** `auth.roles` is a map validated entry by entry (like backends), so it is taken out before the class validation. */
function takeAuthRoles(tree: Tree): unknown {
  const auth = tree.auth;
  if (!auth || typeof auth !== 'object' || Array.isArray(auth)) return undefined;
  const { roles, ...rest } = auth as Tree;
  tree.auth = rest;
  return roles;
}

function asBackendMap(raw: unknown, problems: string[]): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('backends: must be a mapping of backend names to settings');
    return {};
  }
  return raw as Record<string, unknown>;
}

function loadBackend(name: string, raw: unknown, configDir: string, problems: string[]): BackendConfig | undefined {
  const path = `backends.${name}`;
  if (!BACKEND_NAME.test(name)) {
    problems.push(`${path}: backend names may only use letters, digits, '_' and '-' (1 to 64 characters)`);
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${path}: must be a mapping with either command or http_url`);
    return undefined;
  }
  const backend = plainToInstance(BackendConfig, raw, { exposeDefaultValues: true });
  coerceScalars(backend);
  const before = problems.length;
  problems.push(...validationProblems(validateSync(backend, VALIDATE), path, new Map()));
  problems.push(...crossFieldProblems(backend, raw as Tree, path));
  if (problems.length > before) return undefined;
  if (backend.command) {
    const words = splitCommand(backend.command, `${path}.command`, problems);
    backend.argv = [...words, ...backend.args];
  } else {
    backend.argv = [];
  }
  if (backend.cwd && !isAbsolute(backend.cwd)) backend.cwd = resolve(configDir, backend.cwd);
  return backend;
}

function crossFieldProblems(backend: BackendConfig, raw: Tree, path: string): string[] {
  if (backend.custom) {
    return ['args', 'env', 'inherit_env', 'cwd', 'headers']
      .filter((key) => key in raw)
      .map((key) => `${path}.${key}: does not apply to transport ${backend.transport}; put its settings in options`);
  }
  if (Boolean(backend.command) === Boolean(backend.http_url)) {
    return [`${path}: set exactly one of command or http_url (or transport with a registered connector's kind)`];
  }
  if (backend.http_url && backend.transport && !(HTTP_TRANSPORTS as readonly string[]).includes(backend.transport)) {
    return [
      `${path}.transport: ${backend.transport} is not an HTTP transport; with http_url use one of: ${HTTP_TRANSPORTS.join(', ')}`,
    ];
  }
  if (backend.options) return [`${path}.options: applies only to a registered connector's transport`];
  if (backend.protocol === 'modern' && backend.transport === 'sse') {
    return [`${path}.protocol: modern needs streamable_http; sse is a legacy (2024-11-05) transport`];
  }
  const wrongSide = backend.command
    ? ['transport', 'headers']
        .filter((key) => key in raw)
        .map((key) => `${path}.${key}: applies only to http_url backends`)
    : ['args', 'env', 'inherit_env', 'cwd', 'idle_timeout', 'max_message_size']
        .filter((key) => key in raw)
        .map((key) => `${path}.${key}: applies only to command (stdio) backends`);
  return wrongSide;
}

/** Stands in for `$` while splitting: no shell ever sees the command, so nothing in it is a variable. */
const DOLLAR = '\uE000';

function splitCommand(command: string, path: string, problems: string[]): string[] {
  const words = parseShellWords(command.replaceAll('$', DOLLAR));
  const plain = words
    .filter((word): word is string => typeof word === 'string')
    .map((word) => word.replaceAll(DOLLAR, '$'));
  if (plain.length !== words.length) {
    problems.push(
      `${path}: shell operators (| & ; < > globs) are not supported; the command is never run through a shell`,
    );
  }
  if (!plain.length) problems.push(`${path}: is empty`);
  return plain;
}

/** One line per key: an unset variable, say, should not also be reported as the invalid value it left behind. */
function firstProblemPerKey(problems: string[]): string[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = problem.split(': ')[0];
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
