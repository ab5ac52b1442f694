import { describe, expect, it } from '@jest/globals';
import { childEnvironment } from './child-environment.js';

const PARENT: NodeJS.ProcessEnv = {
  HOME: '/home/op',
  PATH: '/usr/bin',
  USER: 'op',
  LANG: 'de_DE.UTF-8',
  LC_TIME: 'C',
  TMPDIR: '/scratch',
  GITHUB_TOKEN: 'ghp_secret',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  BASH_FUNC_x: '() { echo pwned; }',
};

describe('childEnvironment', () => {
  it('passes on only the minimal set, the locale and the temp dir, then the backend env', () => {
    const { GITHUB_TOKEN: _token, AWS_SECRET_ACCESS_KEY: _aws, BASH_FUNC_x: _function, ...minimal } = PARENT;
    expect(childEnvironment(false, { API_URL: 'http://x' }, PARENT)).toEqual({ ...minimal, API_URL: 'http://x' });
  });

  it('a list opts in to those names; the backend env wins over inherited values', () => {
    const env = childEnvironment(['GITHUB_TOKEN', 'NOT_SET'], { HOME: '/srv' }, PARENT);
    expect(env.GITHUB_TOKEN).toBe('ghp_secret');
    expect(env.HOME).toBe('/srv');
    expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(env).not.toHaveProperty('NOT_SET');
  });

  it('true passes on the whole environment', () => {
    expect(childEnvironment(true, {}, PARENT)).toEqual(PARENT);
  });
});
