#!/usr/bin/env node
// The built gateway; `npm run build` creates it (npm install runs the build through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/apps/gateway/src/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(`mcp-gateway: ${entry} is missing; run "npm run build" first\n`);
  process.exit(1);
}
await import(entry);
