import { Logger } from '@nestjs/common';
import {
  CLI_USAGE,
  CONFIG_ERROR_EXIT_CODE,
  ConfigError,
  gatewayPackage,
  loadGatewayConfig,
  parseCliFlags,
  type GatewayConfig,
} from '@gateway/config';
import { startGateway } from './bootstrap.js';
import { ListenError } from './listen-check.js';

/** The port is taken or the address unusable: not a config error (2), but nothing was started either. */
const LISTEN_ERROR_EXIT_CODE = 1;

function loadConfigOrExit(): GatewayConfig {
  try {
    const flags = parseCliFlags(process.argv.slice(2));
    if (flags.help) {
      process.stdout.write(`${CLI_USAGE}\n`);
      process.exit(0);
    }
    if (flags.version) {
      process.stdout.write(`${gatewayPackage().version}\n`);
      process.exit(0);
    }
    return loadGatewayConfig({ flags });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`mcp-gateway: invalid configuration\n${error.problems.map((p) => `  ${p}\n`).join('')}`);
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }
}

async function startOrExit(config: GatewayConfig) {
  try {
    return await startGateway(config, { isTerminal: Boolean(process.stdout.isTTY), handleSignals: true });
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    process.stderr.write(`mcp-gateway: ${error.message}\n`);
    process.exit(LISTEN_ERROR_EXIT_CODE);
  }
}

const config = loadConfigOrExit();
const app = await startOrExit(config);
const address = app.getHttpServer().address();
const port = typeof address === 'object' && address ? address.port : config.server.port;
const backends = Object.values(config.backends).filter((backend) => backend.enabled).length;
new Logger('Gateway').log(
  `mcp-gateway ${gatewayPackage().version} listening on http://${config.server.host}:${port} ` +
    `(MCP at /mcp, ${backends} backends, config ${config.source})`,
);
