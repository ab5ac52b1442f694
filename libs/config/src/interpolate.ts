/** `${VAR}` or `${VAR:-default}`; `$${` escapes a literal `${`. */
const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface InterpolationResult {
  value: unknown;
  problems: string[];
}

/** Substitutes environment variables in every string value of a parsed YAML tree, naming the key of each unset one. */
export function interpolateEnv(tree: unknown, env: NodeJS.ProcessEnv): InterpolationResult {
  const problems: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return substitute(node, path, env, problems);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${path}[${index}]`));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node as Record<string, unknown>).map(([key, child]) => [key, walk(child, joinPath(path, key))]),
      );
    }
    return node;
  };
  return { value: walk(tree, ''), problems };
}

function substitute(text: string, path: string, env: NodeJS.ProcessEnv, problems: string[]): string {
  return text.replace(PLACEHOLDER, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$${') return '${';
    const value = env[name!];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    problems.push(
      `${path || '(root)'}: environment variable ${name} is not set (use \${${name}:-default} for a default)`,
    );
    return whole;
  });
}

export function joinPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}
