/** A config that cannot be used: each problem names the key path and what to do. The process exits with code 2. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const CONFIG_ERROR_EXIT_CODE = 2;
