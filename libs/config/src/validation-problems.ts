import type { ValidationError } from 'class-validator';
import { joinPath } from './interpolate.js';

/** Flattens class-validator errors into `key.path: problem` lines, turning "should not exist" into a named unknown key. */
export function validationProblems(errors: ValidationError[], parent: string, origins: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = joinPath(parent, error.property);
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      if (constraint === 'whitelistValidation') {
        lines.push(`${path}: unknown key${suggestion(error.property, knownKeys(error.target))}`);
        continue;
      }
      if (message.startsWith(`${error.property}.`)) {
        // A record validator names the entry: `env.X must be a string` -> `backends.a.env.X: must be a string`.
        const [entry, ...rest] = message.slice(error.property.length + 1).split(' ');
        lines.push(`${path}.${entry}: ${rest.join(' ')}`);
        continue;
      }
      const text = message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message;
      const got = /\(got /.test(text) || typeof error.value === 'object' ? '' : ` (got ${JSON.stringify(error.value)})`;
      const origin = origins.get(path);
      lines.push(`${path}: ${text}${got}${origin ? ` (from ${origin})` : ''}`);
    }
    if (error.children?.length) lines.push(...validationProblems(error.children, path, origins));
  }
  return lines;
}

function knownKeys(target: object | undefined): string[] {
  if (!target) return [];
  const ctor = target.constructor as new () => object;
  return Object.keys(new ctor());
}

function suggestion(key: string, known: string[]): string {
  const best = known
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)[0];
  if (best && best.distance <= Math.max(2, Math.floor(key.length / 3))) return ` (did you mean "${best.candidate}"?)`;
  return known.length ? ` (known keys: ${known.join(', ')})` : '';
}

/** Levenshtein distance; short strings only (config keys, tool names). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
