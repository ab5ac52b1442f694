// The Kubernetes manifests and the Dockerfile agree with the gateway they deploy: the config in the ConfigMap loads,
// ports and probe paths are the gateway's, and the grace period covers the preStop delay plus shutdown_timeout.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { loadGatewayConfig, type GatewayConfig } from '@gateway/config';
import { fromRoot } from './helpers/processes.js';

type Manifest = {
  kind: string;
  metadata?: { name: string };
  // Manifests are free-form YAML; the assertions say which paths must exist.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  resources?: string[];
};

const dir = fromRoot('deploy/kubernetes');
const manifests: Manifest[] = readdirSync(dir)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
      expect(doc.errors).toEqual([]);
      return doc.toJS() as Manifest;
    }),
  );
const find = (kind: string, name = 'mcp-gateway') => {
  const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found;
};

/** The ConfigMap's gateway.yaml through the real loader, with the variables the Deployment sets. */
function configMapConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const tmp = mkdtempSync(join(tmpdir(), 'k8s-config-'));
  try {
    const file = join(tmp, 'gateway.yaml');
    writeFileSync(file, find('ConfigMap').data!['gateway.yaml']);
    return loadGatewayConfig({ flags: { config: file }, env, cwd: tmp });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('deploy/kubernetes and deploy/Dockerfile', () => {
  const deployment = find('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(
    (container.env as { name: string; value?: string }[]).map((v) => [v.name, v.value ?? 'from-a-secret-0123456789']),
  );
  const config = configMapConfig(env);

  it('every manifest parses, and the ConfigMap holds a gateway.yaml that loads, with store.redis on', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'Deployment',
        'Kustomization',
        'PodDisruptionBudget',
        'Secret',
        'Service',
        'Service',
      ].sort(),
    );
    // kubectl apply -k takes every manifest but the example Secret.
    const listed = manifests.find((m) => m.kind === 'Kustomization')!.resources!;
    const files = readdirSync(dir).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.includes('example'),
    );
    expect([...listed].sort()).toEqual(files.sort());
    expect(config.store.redis?.url).toBe(env.REDIS_URL);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.auth?.api_keys.length).toBeGreaterThan(0);
  });

  it('three replicas; ports, probe paths and the Service agree with the gateway', () => {
    expect(deployment.spec.replicas).toBe(3);
    const http = container.ports.find((p: { name: string }) => p.name === 'http');
    expect(http.containerPort).toBe(config.server.port);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    const service = find('Service');
    expect(service.spec.ports[0].targetPort).toBe('http');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(find('PodDisruptionBudget').spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    // REDIS_URL names the quick-start Redis Service and its port.
    const redis = find('Service', 'mcp-gateway-redis');
    expect(new URL(env.REDIS_URL).hostname).toBe('mcp-gateway-redis');
    expect(Number(new URL(env.REDIS_URL).port)).toBe(redis.spec.ports[0].port);
  });

  it('the grace period covers the preStop delay plus server.shutdown_timeout; the pod runs as non-root', () => {
    const [, seconds] = container.lifecycle.preStop.exec.command as string[];
    const grace = pod.terminationGracePeriodSeconds as number;
    expect(grace).toBeGreaterThanOrEqual(Number(seconds) + config.server.shutdown_timeout / 1000);
    expect(grace).toBeLessThanOrEqual(Number(seconds) + config.server.shutdown_timeout / 1000 + 10);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  });

  // No Docker engine runs the build here: these checks read deploy/Dockerfile as Docker would (one instruction a line
  // once continuations are joined).
  const dockerfile = readFileSync(fromRoot('deploy/Dockerfile'), 'utf8');
  const stages = dockerfile
    .replace(/\\\n/g, ' ')
    .split(/^FROM /m)
    .slice(1)
    .map((stage) => {
      const [from, ...lines] = stage.split('\n');
      const instructions = lines
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => ({ op: line.split(/\s+/)[0], args: line.slice(line.split(/\s+/)[0].length).trim() }));
      return { from, instructions, all: (op: string) => instructions.filter((i) => i.op === op).map((i) => i.args) };
    });

  it('the Dockerfile builds in one stage (npm ci from the lock file, build, prune to production dependencies)', () => {
    expect(stages.length).toBe(2);
    const [build] = stages;
    expect(build.from).toMatch(/ AS build$/);
    const runs = build.all('RUN').join(' && ');
    // The lock file is there before `npm ci` installs exactly it; the build comes after the sources, prune last.
    expect(build.all('COPY')[0]).toContain('package-lock.json');
    const order = ['npm ci', 'npm run build', 'npm prune --omit=dev'].map((step) => runs.indexOf(step));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(runs).not.toMatch(/npm install/);
    // The context leaves out what the build makes or the host has.
    const ignored = readFileSync(fromRoot('.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });

  it('the Dockerfile runs the built gateway in another stage, as the non-root user the pod runs as, under an init', () => {
    const final = stages.at(-1)!;
    // Only what the build stage made: the package's own files (package.json `files`) and its production node_modules.
    const copies = final.all('COPY');
    expect(copies.every((copy) => copy.startsWith('--from=build'))).toBe(true);
    const copied = copies.map((copy) => copy.split(/\s+/).at(-2)!.replace('/app/', ''));
    const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { files: string[] };
    const needed = pkg.files.filter((f) => f !== 'README.md').map((f) => f.replace(/\/$/, ''));
    expect(copied).toEqual(expect.arrayContaining([...needed, 'node_modules', 'package.json']));
    expect(final.all('RUN').join(' ')).not.toMatch(/npm (ci|install|run build)/);
    // A numeric uid, the one the Deployment runs as (runAsNonRoot can only check a number).
    const user = final.all('USER').at(-1)!;
    expect(user.split(':')[0]).toMatch(/^[1-9]\d*$/);
    expect(Number(user.split(':')[0])).toBe(pod.securityContext.runAsUser);
    expect(final.all('EXPOSE')).toEqual([String(config.server.port)]);
    // Exec form under tini (SIGTERM reaches the gateway; orphans of stdio backends are reaped), the built entry.
    const entrypoint = JSON.parse(final.all('ENTRYPOINT').at(-1)!) as string[];
    expect(entrypoint).toEqual(['/usr/bin/tini', '--', 'node', 'bin/mcp-gateway.js']);
    expect(final.all('RUN').join(' ')).toContain('install -y --no-install-recommends tini');
    // The default config path is where the Deployment mounts the ConfigMap, and what it passes itself.
    const cmd = JSON.parse(final.all('CMD').at(-1)!) as string[];
    expect(cmd).toEqual(container.args);
    const mount = (container.volumeMounts as { name: string; mountPath: string }[]).find((m) => m.name === 'config')!;
    expect(cmd[1].startsWith(`${mount.mountPath}/`)).toBe(true);
  });
});
