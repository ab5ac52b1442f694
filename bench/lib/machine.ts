// The machine and code a run was measured on, so every published figure names them.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { builtEntry } from '../../test/helpers/built-gateway.js';
import { fromRoot } from '../../test/helpers/processes.js';

export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  loadAverageAtStart: number[];
  gitCommit: string;
  gitDirty: boolean;
  gatewayBuiltAt: string;
  versions: Record<string, string>;
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(fromRoot(`node_modules/${name}/package.json`), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: fromRoot('.'), encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    gitCommit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    gitDirty: git(['status', '--porcelain', '--', 'apps', 'libs']) !== '',
    gatewayBuiltAt: statSync(builtEntry).mtime.toISOString(),
    versions: Object.fromEntries(
      ['@modelcontextprotocol/sdk', 'mcp-proxy', 'supergateway', 'gpt-tokenizer', 'fastify', '@nestjs/core'].map(
        (name) => [name, packageVersion(name)],
      ),
    ),
  };
}

export function loadAverage(): number[] {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}
