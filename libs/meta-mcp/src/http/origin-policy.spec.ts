import { describe, expect, it } from '@jest/globals';
import { LOCALHOST_ORIGINS } from '@gateway/config';
import { isLoopback, OriginPolicy } from './origin-policy.js';

const defaults = { host: '127.0.0.1', allowed_origins: [...LOCALHOST_ORIGINS], allowed_hosts: [] };

describe('OriginPolicy: Origin', () => {
  const policy = new OriginPolicy(defaults);

  it('lets requests without an Origin through (non-browser clients)', () => {
    expect(policy.rejectOrigin(undefined)).toBeUndefined();
  });

  it('allows localhost, 127.0.0.1 and [::1] on any port, http or https, by default', () => {
    for (const origin of [
      'http://localhost',
      'http://localhost:5173',
      'https://localhost:8443',
      'http://127.0.0.1:39400',
      'http://[::1]:3000',
      'HTTP://LOCALHOST:80',
    ]) {
      expect(policy.rejectOrigin(origin)).toBeUndefined();
    }
  });

  it('refuses any other origin by default, naming it', () => {
    for (const origin of [
      'http://evil.example.com',
      'http://localhost.evil.example.com',
      'http://127.0.0.2',
      'null',
      'file://',
      'not a url',
    ]) {
      expect(policy.rejectOrigin(origin)).toContain(origin);
    }
  });

  it('matches configured origins by scheme, host and port (absent = default port, * = any)', () => {
    const custom = new OriginPolicy({
      ...defaults,
      allowed_origins: ['https://app.example.com', 'http://tools.internal:8080', 'http://dev.internal:*'],
    });
    expect(custom.rejectOrigin('https://app.example.com')).toBeUndefined();
    expect(custom.rejectOrigin('https://app.example.com:443')).toBeUndefined();
    expect(custom.rejectOrigin('https://app.example.com:8443')).toBeDefined();
    expect(custom.rejectOrigin('http://app.example.com')).toBeDefined();
    expect(custom.rejectOrigin('http://tools.internal:8080')).toBeUndefined();
    expect(custom.rejectOrigin('http://tools.internal')).toBeDefined();
    expect(custom.rejectOrigin('http://dev.internal:1234')).toBeUndefined();
    // The list replaces the default: localhost is no longer implied.
    expect(custom.rejectOrigin('http://localhost:3000')).toBeDefined();
  });

  it('allows every origin with *', () => {
    expect(new OriginPolicy({ ...defaults, allowed_origins: ['*'] }).rejectOrigin('https://x.example')).toBeUndefined();
  });
});

describe('OriginPolicy: Host', () => {
  it('on loopback, accepts only localhost names, on any port', () => {
    const policy = new OriginPolicy(defaults);
    for (const host of ['localhost', 'localhost:39400', '127.0.0.1:1', '[::1]:8080', 'LOCALHOST:3000']) {
      expect(policy.rejectHost(host)).toBeUndefined();
    }
    for (const host of ['evil.example.com', 'evil.example.com:39400', '127.0.0.1.nip.io', undefined, '']) {
      expect(policy.rejectHost(host)).toBeDefined();
    }
  });

  it('adds server.allowed_hosts, with an optional exact port', () => {
    const policy = new OriginPolicy({ ...defaults, allowed_hosts: ['gw.internal', 'api.internal:8080'] });
    expect(policy.rejectHost('gw.internal:1234')).toBeUndefined();
    expect(policy.rejectHost('api.internal:8080')).toBeUndefined();
    expect(policy.rejectHost('api.internal:9090')).toBeDefined();
    expect(policy.rejectHost('localhost:1')).toBeUndefined();
  });

  it('does not check Host when bound to a non-loopback address without allowed_hosts', () => {
    const policy = new OriginPolicy({ ...defaults, host: '0.0.0.0' });
    expect(policy.rejectHost('gateway.example.com')).toBeUndefined();
    const strict = new OriginPolicy({ ...defaults, host: '0.0.0.0', allowed_hosts: ['gw.example.com'] });
    expect(strict.rejectHost('other.example.com')).toBeDefined();
  });

  it('knows loopback addresses in every spelling', () => {
    const loopback = ['127.0.0.1', '127.1.2.3', '127.1', '127.0.0.0', '127.255.255.255', '0x7f.1', '2130706433'];
    loopback.push('localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::ffff:7f00:1]');
    for (const host of loopback) expect([host, isLoopback(host)]).toEqual([host, true]);
    const reachable = ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'example.com', '127.0.0.1.nip.io'];
    for (const host of reachable) expect([host, isLoopback(host)]).toEqual([host, false]);
  });

  it('keeps the Host check on when bound to loopback in any spelling', () => {
    for (const host of ['127.1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      const policy = new OriginPolicy({ ...defaults, host });
      expect(policy.rejectHost('attacker.example:39400')).toBeDefined();
      expect(policy.rejectHost('127.0.0.1:39400')).toBeUndefined();
      // A loopback address however written is no DNS rebinding.
      expect(policy.rejectHost('[::ffff:7f00:1]:39400')).toBeUndefined();
      expect(policy.rejectHost('127.0.0.2')).toBeUndefined();
    }
  });
});
