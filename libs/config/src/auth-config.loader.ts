import { isIP } from 'node:net';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RoleConfig, type AuthConfig } from './auth-config.js';
import { coerceScalars } from './coerce-scalars.js';
import type { GatewayConfig } from './gateway-config.js';
import { validationProblems } from './validation-problems.js';

const VALIDATE = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true };

/** `auth.roles` entry by entry, so a problem names `auth.roles.<name>.<key>`. */
export function loadAuthRoles(raw: unknown, problems: string[]): Record<string, RoleConfig> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('auth.roles: must be a mapping of role names to { allow, deny }');
    return {};
  }
  const roles: Record<string, RoleConfig> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const path = `auth.roles.${name}`;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${path}: must be a mapping with allow (and optionally deny)`);
      continue;
    }
    const role = plainToInstance(RoleConfig, value, { exposeDefaultValues: true });
    coerceScalars(role);
    const found = validationProblems(validateSync(role, VALIDATE), path, new Map());
    problems.push(...found);
    if (!found.length) roles[name] = role;
  }
  return roles;
}

/** Checks across keys: one secret per API key, unique ids, roles that exist, and no open gateway off loopback. */
export function authProblems(config: GatewayConfig): string[] {
  const auth = config.auth;
  const problems: string[] = [];
  if (auth) problems.push(...keyProblems(auth), ...roleReferenceProblems(auth));
  const authenticates = Boolean(auth && (auth.api_keys.length || auth.oauth));
  if (!isLoopback(config.server.host) && !authenticates && !auth?.allow_anonymous) {
    problems.push(
      `server.host: ${config.server.host} is reachable from other machines but no client authentication is ` +
        'configured; set auth.api_keys or auth.oauth, or auth.allow_anonymous: true to serve anyone who can connect',
    );
  }
  return problems;
}

function keyProblems(auth: AuthConfig): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  auth.api_keys.forEach((key, index) => {
    const path = `auth.api_keys.${index}`;
    if (Boolean(key.key) === Boolean(key.key_sha256)) problems.push(`${path}: set exactly one of key or key_sha256`);
    if (ids.has(key.id)) problems.push(`${path}.id: "${key.id}" is used by another key`);
    ids.add(key.id);
  });
  return problems;
}

function roleReferenceProblems(auth: AuthConfig): string[] {
  const known = Object.keys(auth.roles);
  const unknown = (role: string) => !(role in auth.roles);
  const message = (role: string) => `unknown role "${role}" (roles: ${known.join(', ') || 'none defined'})`;
  const problems: string[] = [];
  auth.api_keys.forEach((key, index) => {
    const bad = key.roles.find(unknown);
    if (bad !== undefined) problems.push(`auth.api_keys.${index}.roles: ${message(bad)}`);
  });
  const bad = auth.default_roles.find(unknown);
  if (bad !== undefined) problems.push(`auth.default_roles: ${message(bad)}`);
  return problems;
}

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}
