/**
 * What a stdio backend inherits from the gateway's environment by default, as the MCP SDK's stdio client does
 * (`getDefaultEnvironment()`, a list taken from sudo's), plus the locale and the temp dir. Everything else (tokens
 * meant for another backend's headers, cloud credentials) stays with the gateway unless `inherit_env` names it.
 */
const BASE_VARS =
  process.platform === 'win32'
    ? [
        'APPDATA',
        'HOMEDRIVE',
        'HOMEPATH',
        'LOCALAPPDATA',
        'PATH',
        'PROCESSOR_ARCHITECTURE',
        'SYSTEMDRIVE',
        'SYSTEMROOT',
        'TEMP',
        'USERNAME',
        'USERPROFILE',
        'PROGRAMFILES',
      ]
    : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];
const TEMP_VARS = ['TMPDIR', 'TMP', 'TEMP'];
const LOCALE_VAR = /^(LANG|LANGUAGE|LC_[A-Z]+)$/;

/** `inherit_env`: `false` (the minimal set), `true` (the gateway's whole environment), or more names to pass on. */
export type InheritEnv = boolean | string[];

/**
 * The environment a stdio backend starts with: the minimal inherited set (or what `inherit` opts in to) with the
 * backend's own `env` over it. Read at spawn time, so a test or a supervisor that changes the gateway's environment
 * is seen by the next start.
 */
export function childEnvironment(
  inherit: InheritEnv,
  own: Record<string, string>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  const names = new Set(inherit === true ? Object.keys(parent) : [...BASE_VARS, ...TEMP_VARS]);
  if (Array.isArray(inherit)) for (const name of inherit) names.add(name);
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || !(names.has(name) || LOCALE_VAR.test(name))) continue;
    // A shell function exported into the environment (`BASH_FUNC_x%%=() {...}`) is code, not a setting.
    if (inherit !== true && value.startsWith('()')) continue;
    env[name] = value;
  }
  return { ...env, ...own };
}
