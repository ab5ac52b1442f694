// The audit log's file destination: appended, secrets kept out of recorded arguments, reopened on SIGUSR2.
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GatewayConfig, SecretRedactor } from '@gateway/config';
import { AuditLog, type AuditEntry } from './audit-log.service.js';

let dir: string;
let log: AuditLog | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-log-spec-'));
});

afterEach(() => {
  log?.onModuleDestroy();
  rmSync(dir, { recursive: true, force: true });
});

const entry: AuditEntry = {
  principal: 'bob',
  roles: ['reader'],
  session: 's-1',
  route: '/mcp',
  backend: 'fa',
  method: 'tools/call',
  tool: 'echo',
  outcome: 'ok',
  duration_ms: 1.5,
  request_id: 3,
};

function open(file: string, includeArguments: boolean, backendSecret = 'sk-live-backend-secret'): AuditLog {
  const config = new GatewayConfig();
  config.audit.enabled = true;
  config.audit.destination = file;
  config.audit.include_arguments = includeArguments;
  config.backends = { fa: { env: { API_KEY: backendSecret }, headers: {} } as never };
  log = new AuditLog(config, SecretRedactor.forConfig(config));
  return log;
}

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('AuditLog', () => {
  it('records no arguments unless include_arguments is set', () => {
    const file = join(dir, 'audit.log');
    open(file, false).write(entry, { message: 'hello' });
    expect(lines(file)).toEqual([{ audit: true, time: expect.any(String), ...entry }]);
  });

  it('with include_arguments, redacts secret-named keys and configured secret values', () => {
    const file = join(dir, 'audit.log');
    open(file, true).write(entry, {
      query: 'weather',
      password: 'hunter2',
      nested: { api_key: 'abc', note: 'uses sk-live-backend-secret inside' },
    });
    expect(lines(file)[0].arguments).toEqual({
      query: 'weather',
      password: '[redacted]',
      nested: { api_key: '[redacted]', note: 'uses *** inside' },
    });
  });

  it('appends, and after a rotation moved the file SIGUSR2 makes it write to a new one', () => {
    const file = join(dir, 'audit.log');
    const audit = open(file, false);
    audit.write({ ...entry, request_id: 1 });
    renameSync(file, `${file}.1`);
    audit.write({ ...entry, request_id: 2 });
    process.emit('SIGUSR2', 'SIGUSR2');
    audit.write({ ...entry, request_id: 3 });
    expect(lines(`${file}.1`).map((record) => record.request_id)).toEqual([1, 2]);
    expect(lines(file).map((record) => record.request_id)).toEqual([3]);
  });
});
