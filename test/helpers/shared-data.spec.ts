// Suites that read ../shared (datasets beside the repository) say what is missing instead of a bare ENOENT.
import { spawnSync } from 'node:child_process';
import { describe, expect, it, jest } from '@jest/globals';
import { readShared } from '../support/livemcpbench.js';
import { tsCommand } from './processes.js';

jest.setTimeout(30_000);

describe('readShared', () => {
  it('names the missing file and where the shared datasets belong', () => {
    expect(() => readShared('/nonexistent/shared/datasets/x/servers.json')).toThrow(
      /test data missing: \/nonexistent\/shared\/datasets\/x\/servers\.json\. These tests read the shared datasets from \.\.\/shared/,
    );
  });
});

describe('the catalog fixture', () => {
  it('exits 1 naming the missing dataset and where it belongs', () => {
    const { command, args } = tsCommand('test/fixtures/catalog-server.ts', ['--port', '0']);
    const run = spawnSync(command, args, {
      env: { ...process.env, CATALOG_SERVERS_JSON: '/nonexistent/shared/servers.json' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'catalog-server: test data missing: /nonexistent/shared/servers.json. This fixture reads the shared datasets from ../shared',
    );
  });
});
