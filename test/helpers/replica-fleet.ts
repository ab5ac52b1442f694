// Several built gateways sharing one Redis behind the test's round-robin proxy (issue 16): started, probed until
// each reports its store up, killed (SIGKILL, with the backend processes they started) and stopped, by PID.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cleanEnv, spawnGateway, type GatewayProcess } from './built-gateway.js';
import { childPids } from './proc-tree.js';
import { freePort, isAlive, killPid, stopProcess, waitFor } from './processes.js';
import { deletePrefix, redisUrl } from './redis.js';
import { roundRobinProxy, type GetStreams, type Upstream } from './round-robin-proxy.js';

export interface Replica extends Upstream {
  gateway: GatewayProcess;
}

export interface Fleet {
  readonly replicas: Replica[];
  readonly proxyUrl: string;
  /** Stops the proxy and every replica still alive, and deletes the fleet's Redis keys. */
  stop(): Promise<void>;
}

export interface FleetOptions {
  /** Temporary directory name stem for the replicas' config files. */
  name: string;
  /** Redis key prefix of this fleet (testKeyPrefix). */
  prefix: string;
  /** `auth.api_keys`: principal id -> key. */
  keys: Record<string, string>;
  backends: Record<string, unknown>;
  /** Merged into each replica's `server:` section (its port is set here). */
  server?: Record<string, unknown>;
  replicas?: number;
  /** What the proxy records of the traffic it forwards. */
  gets: GetStreams<Replica>;
}

/** Starts the replicas, waits until each reports `components.store` up, and puts the round-robin proxy before them. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), `${options.name}-`));
  const replicas: Replica[] = [];
  const [anyKey] = Object.values(options.keys);
  let proxy: Server | undefined;
  const stop = async () => {
    proxy?.closeAllConnections();
    proxy?.close();
    for (const replica of replicas) {
      if (!replica.alive) continue;
      const leftovers = childPids(replica.gateway.pid);
      await stopProcess(replica.gateway.child);
      for (const pid of leftovers) if (isAlive(pid)) killPid(pid);
    }
    await deletePrefix(options.prefix);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let n = 0; n < (options.replicas ?? 3); n++) {
      const port = await freePort();
      const config = join(dir, `gateway-${n}.yaml`);
      writeFileSync(
        config,
        stringify({
          server: { port, ...options.server },
          logging: { level: 'info', format: 'json' },
          store: { redis: { url: redisUrl, key_prefix: options.prefix, timeout: '2s', liveness_ttl: '2s' } },
          auth: { api_keys: Object.entries(options.keys).map(([id, key]) => ({ id, key })) },
          backends: options.backends,
        }),
      );
      replicas.push({ port, gateway: spawnGateway(['--config', config], { env: cleanEnv() }), alive: true, served: 0 });
    }
    for (const replica of replicas) {
      await waitFor(
        async () => {
          const health = await fetch(`http://127.0.0.1:${replica.port}/health`, {
            headers: { authorization: `Bearer ${anyKey}` },
          }).catch(() => undefined);
          const body = (await health?.json().catch(() => undefined)) as { components?: { store?: { status: string } } };
          return body?.components?.store?.status === 'up';
        },
        { timeoutMs: 60_000, description: `replica on ${replica.port} to report the store up` },
      );
    }
    proxy = roundRobinProxy(replicas, options.gets);
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  } catch (error) {
    await stop();
    throw error;
  }
  const address = proxy.address();
  const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { replicas, proxyUrl, stop };
}

/** SIGKILL to a replica and to the backend processes it started: a crash, not a shutdown. */
export function killReplica(replica: Replica): void {
  const leftovers = childPids(replica.gateway.pid);
  replica.alive = false;
  killPid(replica.gateway.pid);
  for (const pid of leftovers) if (isAlive(pid)) killPid(pid);
}
