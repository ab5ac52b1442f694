import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { BackendRegistry, type Backend } from '@gateway/backends';
import { ToolSearchIndex } from '../search/tool-search.index.js';

/**
 * Keeps the search index in step with every backend's catalog: each time a backend's tool list arrives (at
 * connect, on list_changed, after a TTL refresh), only that backend's documents are replaced. Searching never
 * waits for a backend; a sleeping or failed backend keeps its last catalog.
 */
@Injectable()
export class ToolIndexService implements OnApplicationBootstrap {
  readonly index = new ToolSearchIndex();

  constructor(private readonly registry: BackendRegistry) {
    for (const backend of registry.list()) {
      backend.on('tools', () => this.reindex(backend));
    }
  }

  onApplicationBootstrap(): void {
    for (const backend of this.registry.list()) if (backend.catalog.list) this.reindex(backend);
  }

  private reindex(backend: Backend): void {
    this.index.setServer(backend.name, backend.config.description, backend.catalog.list ?? []);
  }
}
