import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.js';

export interface CliFlags {
  config?: string;
  port?: string;
  host?: string;
  logLevel?: string;
  logFormat?: string;
  help?: boolean;
  version?: boolean;
}

export const CLI_USAGE = `Usage: mcp-gateway [--config FILE] [--port N] [--host ADDR] [--log-level LEVEL] [--log-format text|json]

  --config FILE       YAML config (default: $MCP_GATEWAY_CONFIG, else config/gateway.yaml)
  --port N            listen port (default 39400)
  --host ADDR         listen address (default 127.0.0.1)
  --log-level LEVEL   fatal|error|warn|info|debug|trace|silent
  --log-format FMT    text or json (default: text on a terminal, json otherwise)
  --help, --version`;

export function parseCliFlags(argv: string[]): CliFlags {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    return {
      config: values.config,
      port: values.port,
      host: values.host,
      logLevel: values['log-level'],
      logFormat: values['log-format'],
      help: values.help,
      version: values.version,
    };
  } catch (error) {
    throw new ConfigError([`command line: ${(error as Error).message}`, CLI_USAGE]);
  }
}
