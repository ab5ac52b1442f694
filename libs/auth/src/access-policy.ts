import type { RoleConfig } from '@gateway/config';

/** What a capability is, as rules name it: `backend/tool`, `backend/prompt:NAME`, `backend/resource:URI`. */
export type CapabilityKind = 'tool' | 'prompt' | 'resource';

function capabilityTarget(backend: string, kind: CapabilityKind, name: string): string {
  return kind === 'tool' ? `${backend}/${name}` : `${backend}/${kind}:${name}`;
}

/** What one principal may see and call. */
export interface Access {
  /** Whether the capability is visible and callable. */
  allows(backend: string, kind: CapabilityKind, name: string): boolean;
  /** Whether anything of the backend may be allowed (a backend with nothing allowed is hidden, /mcp/{backend} 403). */
  mayUse(backend: string): boolean;
}

export const ALLOW_ALL: Access = { allows: () => true, mayUse: () => true };
const ALLOW_NONE: Access = { allows: () => false, mayUse: () => false };

/** `*` matches any run of characters (slashes included), `?` one character; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const source = [...glob]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's');
}

interface Rule {
  readonly pattern: RegExp;
  /** The glob's part before its first `/`, matched against a backend name; undefined when the glob has no `/`. */
  readonly head?: RegExp;
  readonly tail?: string;
}

function compile(glob: string): Rule {
  const slash = glob.indexOf('/');
  if (slash < 0) return { pattern: globToRegExp(glob) };
  return { pattern: globToRegExp(glob), head: globToRegExp(glob.slice(0, slash)), tail: glob.slice(slash + 1) };
}

/** May this rule match something of `backend`? Errs towards yes: each capability is still checked on its own. */
function mayMatchBackend(rule: Rule, backend: string): boolean {
  if (rule.head) return rule.head.test(backend) || rule.pattern.test(`${backend}/`);
  return rule.pattern.test(`${backend}/x`) || rule.pattern.test(`${backend}/`);
}

/** Does this rule cover every capability of `backend` (`backend/*`, `*`)? */
function coversBackend(rule: Rule, backend: string): boolean {
  if (rule.head) return rule.tail === '*' && rule.head.test(backend);
  return rule.pattern.source === '^.*$';
}

/** The union of some roles' rules: deny wins over allow, and no matching allow means no access. */
class RoleAccess implements Access {
  private readonly seen = new Map<string, boolean>();

  constructor(
    private readonly allow: Rule[],
    private readonly deny: Rule[],
  ) {}

  allows(backend: string, kind: CapabilityKind, name: string): boolean {
    const target = capabilityTarget(backend, kind, name);
    let verdict = this.seen.get(target);
    if (verdict === undefined) {
      verdict =
        !this.deny.some((rule) => rule.pattern.test(target)) && this.allow.some((rule) => rule.pattern.test(target));
      if (this.seen.size > 10_000) this.seen.clear();
      this.seen.set(target, verdict);
    }
    return verdict;
  }

  mayUse(backend: string): boolean {
    if (this.deny.some((rule) => coversBackend(rule, backend))) return false;
    return this.allow.some((rule) => mayMatchBackend(rule, backend));
  }
}

/**
 * Turns `auth.roles` into an Access per set of roles (shared by every principal with the same roles). With no roles
 * configured at all, authorization is off: every authenticated principal may use everything.
 */
export class AccessPolicy {
  private readonly byRoles = new Map<string, Access>();

  constructor(private readonly roles: Record<string, RoleConfig>) {}

  get enforced(): boolean {
    return Object.keys(this.roles).length > 0;
  }

  for(roles: readonly string[]): Access {
    if (!this.enforced) return ALLOW_ALL;
    const known = [...new Set(roles)].filter((role) => role in this.roles).sort();
    if (known.length === 0) return ALLOW_NONE;
    const key = known.join('\u0000');
    let access = this.byRoles.get(key);
    if (!access) {
      const rules = known.map((role) => this.roles[role]);
      access = new RoleAccess(
        rules.flatMap((role) => role.allow.map(compile)),
        rules.flatMap((role) => role.deny.map(compile)),
      );
      this.byRoles.set(key, access);
    }
    return access;
  }
}
