import { watch, type FSWatcher } from 'node:fs';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BackendRegistry, type BackendChanges } from '@gateway/backends';
import { ConfigError, GatewayConfig, loadGatewayConfig, OBJECT_CONFIG_SOURCE } from '@gateway/config';

/** Not compared for the "applied at the next restart" warning: backends apply now; flags often set logging. */
const NOT_COMPARED = new Set(['source', 'backends', 'logging']);
/** A file saved by an editor fires several events; one reload after they settle. */
const WATCH_SETTLE_MS = 200;

/**
 * Hot reload: SIGHUP (and, with `server.watch_config`, a change to the file) reads the config file again. Backends
 * added, removed or changed are started, stopped or restarted; the others keep their connections, sessions and
 * in-flight calls. Other sections apply at the next restart (one warning names them). An invalid file changes
 * nothing and logs one line per problem.
 */
@Injectable()
export class ConfigReloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConfigReloader.name);
  private watcher?: FSWatcher;
  private settle?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: GatewayConfig,
    private readonly registry: BackendRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.server.watch_config || this.config.source === OBJECT_CONFIG_SOURCE) return;
    this.watcher = watch(this.config.source, () => {
      clearTimeout(this.settle);
      this.settle = setTimeout(() => void this.reload(), WATCH_SETTLE_MS);
    });
    this.watcher.on('error', (error) => this.logger.warn(`stopped watching ${this.config.source}: ${error.message}`));
  }

  onApplicationShutdown(): void {
    clearTimeout(this.settle);
    this.watcher?.close();
  }

  /**
   * Reloads from the file the gateway started with, or applies `next` (a library user's new config). Resolves with
   * what changed, or undefined when the new config was refused. Reloads run one at a time.
   */
  reload(next?: GatewayConfig): Promise<BackendChanges | undefined> {
    const run = this.queue.then(() => this.apply(next));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(given?: GatewayConfig): Promise<BackendChanges | undefined> {
    let next: GatewayConfig;
    let changes: BackendChanges;
    try {
      next = given ?? this.readFile();
      changes = await this.registry.apply(next.backends);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) this.logger.error(`config reload refused, nothing changed: ${problem}`);
      return undefined;
    }
    const later = this.startupOnlyChanges(next);
    if (later.length) this.logger.warn(`config reload: ${later.join(', ')} changed; applied at the next restart`);
    const list = (label: string, names: string[]) => (names.length ? [`${label} ${names.join(', ')}`] : []);
    const done = [
      ...list('added', changes.added),
      ...list('removed', changes.removed),
      ...list('restarted', changes.restarted),
    ];
    this.logger.log(`config reloaded: ${done.join('; ') || 'no backend changed'} (${changes.kept.length} kept)`);
    return changes;
  }

  private readFile(): GatewayConfig {
    if (this.config.source === OBJECT_CONFIG_SOURCE) {
      throw new ConfigError(['config: given as an object, not a file; pass the new config to reload()']);
    }
    return loadGatewayConfig({ flags: { config: this.config.source } });
  }

  /** Top-level sections besides backends that differ (server.port/host and logging are often set by flags). */
  private startupOnlyChanges(next: GatewayConfig): string[] {
    const comparable = (config: GatewayConfig, key: string): string => {
      const value = (config as unknown as Record<string, unknown>)[key];
      if (key !== 'server') return JSON.stringify(value) ?? '';
      const { port: _port, host: _host, ...rest } = value as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    return Object.keys(next)
      .filter((key) => !NOT_COMPARED.has(key))
      .filter((key) => comparable(this.config, key) !== comparable(next, key));
  }
}
