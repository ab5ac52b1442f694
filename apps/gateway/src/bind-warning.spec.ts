// The warning for a gateway reachable from other machines without authentication, and its absence on loopback.
import { describe, expect, it } from '@jest/globals';
import { bindWarning } from './bind-warning.js';

const server = { port: 39400, allowed_hosts: [] as string[] };

describe('bindWarning', () => {
  it.each(['0.0.0.0', '::', '10.0.0.5', 'gateway.example.com'])('warns about %s, naming the address', (host) => {
    const warning = bindWarning({ ...server, host });
    expect(warning).toContain(`listening on ${host}:39400`);
    expect(warning).toContain('WITHOUT AUTHENTICATION');
    expect(warning).toContain('no Host header check');
  });

  it('says when allowed_hosts limits the Host header', () => {
    expect(bindWarning({ ...server, host: '0.0.0.0', allowed_hosts: ['gw.example.com'] })).toContain(
      'the Host header is limited to server.allowed_hosts',
    );
  });

  it.each(['127.0.0.1', '127.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1', '127.3.2.1'])(
    'says nothing on loopback: %s',
    (host) => expect(bindWarning({ ...server, host })).toBeUndefined(),
  );
});
