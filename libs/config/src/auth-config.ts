import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsDuration } from './duration.decorator.js';

/** One API key: a client sends `Authorization: Bearer <key>`; the principal is `id`. */
export class ApiKeyConfig {
  @MinLength(1)
  @IsString()
  id: string;

  /** The key itself (use `${VAR}`), or `key_sha256` so the config holds no secret. */
  @IsOptional()
  // The message names no value: the key is a secret, and a short one is still a real one.
  @MinLength(16, { message: '$property must be at least 16 characters (got a shorter one; use a random key)' })
  @IsString()
  key?: string;

  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/i, { message: '$property must be 64 hex digits (the SHA-256 of the key)' })
  @IsString()
  key_sha256?: string;

  @IsString({ each: true })
  @IsArray()
  roles: string[] = [];
}

/** The gateway as an OAuth 2.1 resource server: JWT access tokens verified against the issuer's JWKS. */
export class OAuthConfig {
  @Matches(/^https?:\/\/\S+$/, { message: '$property must be the issuer URL (https://...)' })
  @IsString()
  issuer: string;

  /** This gateway's resource identifier (RFC 8707): tokens must name it in `aud`. */
  @MinLength(1)
  @IsString()
  audience: string;

  /** Unset: found through the issuer's RFC 8414 / OpenID discovery document. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: '$property must be a URL' })
  @IsString()
  jwks_uri?: string;

  @IsString({ each: true })
  @IsArray()
  required_scopes: string[] = [];

  /** A dotted path into the token's claims (`realm_access.roles`), or `scope` for the space-separated scopes. */
  @MinLength(1)
  @IsString()
  roles_claim = 'roles';

  @MinLength(1)
  @IsString()
  principal_claim = 'sub';

  @IsDuration()
  clock_tolerance = 30_000;
}

/** What a role may see and call: globs over `backend/tool`, `backend/prompt:NAME`, `backend/resource:URI`. */
export class RoleConfig {
  @IsString({ each: true })
  @IsArray()
  allow: string[] = [];

  @IsString({ each: true })
  @IsArray()
  deny: string[] = [];

  @IsOptional()
  @IsPositive()
  @IsNumber()
  requests_per_second?: number;

  @IsOptional()
  @Min(1)
  @IsInt()
  max_concurrency?: number;
}

export class AuthConfig {
  @ValidateNested({ each: true })
  @Type(() => ApiKeyConfig)
  @IsArray()
  api_keys: ApiKeyConfig[] = [];

  @IsOptional()
  @ValidateNested()
  @Type(() => OAuthConfig)
  oauth?: OAuthConfig;

  /** Validated entry by entry by the loader, so each problem names `auth.roles.<name>.<key>`. */
  @IsOptional()
  roles: Record<string, RoleConfig> = {};

  /** Roles every principal has, the anonymous one included. */
  @IsString({ each: true })
  @IsArray()
  default_roles: string[] = [];

  /** Requests without credentials pass as the principal `anonymous` (with default_roles). */
  @IsBoolean()
  allow_anonymous = false;

  /** Paths served without credentials besides /health/live, /health/ready and the OAuth metadata (e.g. /metrics). */
  @Matches(/^\//, { each: true, message: '$property entries must be paths starting with /' })
  @IsArray()
  public_routes: string[] = [];
}

export const AUDIT_STDOUT = 'stdout';

/** One JSON record per tool call, prompt get, resource read and denied attempt. */
export class AuditConfig {
  @IsBoolean()
  enabled = false;

  /** `stdout` (records marked `"audit": true`) or a file path (appended; reopened on SIGUSR2). */
  @MinLength(1)
  @IsString()
  destination = AUDIT_STDOUT;

  @IsBoolean()
  include_arguments = false;
}
