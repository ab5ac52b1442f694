import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/**
 * The last tool list a backend gave, with its age. Stale entries are still served while a refresh runs or the
 * backend is down, so search keeps working; `fresh` says whether a refresh is due.
 */
export class ToolCatalog {
  private tools?: Tool[];
  private fetchedAt = 0;
  private readonly byName = new Map<string, Tool>();
  private signature = '';

  constructor(
    private readonly ttlMs: number,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  get list(): Tool[] | undefined {
    return this.tools;
  }

  get size(): number {
    return this.tools?.length ?? 0;
  }

  get fresh(): boolean {
    return this.enabled && this.tools !== undefined && this.now() - this.fetchedAt < this.ttlMs;
  }

  find(name: string): Tool | undefined {
    return this.byName.get(name);
  }

  /** Stores a fresh list; true when it differs from the previous one. */
  set(tools: Tool[]): boolean {
    this.fetchedAt = this.now();
    const signature = JSON.stringify(tools);
    if (this.tools && signature === this.signature) return false;
    this.signature = signature;
    this.tools = tools;
    this.byName.clear();
    for (const tool of tools) this.byName.set(tool.name, tool);
    return true;
  }

  invalidate(): void {
    this.fetchedAt = 0;
  }
}
