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

  it('the Dockerfile builds in one stage and runs the built gateway in another, as a non-root user', () => {
    const dockerfile = readFileSync(fromRoot('deploy/Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages.at(-1)!;
    const user = /^USER (\S+)/m.exec(final)?.[1];
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(0|root)$/);
    expect(final).toContain('bin/mcp-gateway.js');
    expect(final).toMatch(new RegExp(`^EXPOSE ${config.server.port}$`, 'm'));
    expect(final).not.toMatch(/npm run build/);
  });
});
