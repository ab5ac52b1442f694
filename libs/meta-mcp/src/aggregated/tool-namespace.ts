import { createHash } from 'node:crypto';

const NAMESPACE_SEPARATOR = '__';
const MAX_TOOL_NAME = 128;
const HASH_LENGTH = 8;

export interface NamespacedTool {
  name: string;
  backend: string;
  tool: string;
}

/**
 * Names every backend tool `{backend}__{tool}` within the MCP tool-name rule ([A-Za-z0-9_.-], at most 128).
 * A name that had to be changed, is too long, or clashes gets a short hash of the original pair, so it is stable
 * across restarts and unique.
 */
export function namespaceTools(entries: Array<{ backend: string; tool: string }>): NamespacedTool[] {
  const result: NamespacedTool[] = [];
  const taken = new Set<string>();
  // Sorted by the pair itself, so which of two clashing tools keeps the plain name never depends on config order.
  const sorted = [...entries].sort((a, b) => compare(a.backend, b.backend) || compare(a.tool, b.tool));
  for (const { backend, tool } of sorted) {
    const raw = `${backend}${NAMESPACE_SEPARATOR}${tool}`;
    const safe = raw.replace(/[^A-Za-z0-9_.-]/g, '_');
    let name = safe;
    if (safe !== raw || safe.length > MAX_TOOL_NAME || taken.has(safe)) {
      const hash = createHash('sha256').update(`${backend}\u0000${tool}`).digest('hex').slice(0, HASH_LENGTH);
      name = `${safe.slice(0, MAX_TOOL_NAME - HASH_LENGTH - 1)}_${hash}`;
    }
    taken.add(name);
    result.push({ name, backend, tool });
  }
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
