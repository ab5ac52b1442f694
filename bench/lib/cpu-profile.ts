// Top self-time functions of a V8 .cpuprofile (written by `node --cpu-prof`).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fromRoot } from '../../test/helpers/processes.js';

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  function: string;
  location: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of samples not idle. */
  busyShare: number;
  top: SelfTime[];
  /** Self time grouped by where the code lives: a package, node internals, native, or the gateway's own dist/. */
  byOrigin: Array<{ origin: string; selfMs: number; share: number }>;
}

function origin(url: string, functionName: string): string {
  if (!url) return functionName === '(garbage collector)' ? 'garbage collector' : 'native (syscalls, V8 builtins)';
  if (url.startsWith('node:')) return 'node internals (JS)';
  const path = url.replace(/^file:\/\//, '');
  const at = path.lastIndexOf('node_modules/');
  if (at >= 0) {
    const parts = path.slice(at + 13).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (path.includes('/dist/')) return 'gateway (dist/)';
  return relative(fromRoot('.'), path);
}

function location(url: string, line: number): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const short = path.includes('node_modules/')
    ? path.slice(path.lastIndexOf('node_modules/') + 13)
    : relative(fromRoot('.'), path);
  return `${short}:${line + 1}`;
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSampleMs = totalMs / Math.max(1, profile.samples.length);
  const byKey = new Map<string, SelfTime>();
  const byOrigin = new Map<string, number>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * perSampleMs;
    if (ms === 0) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleMs += ms;
      continue;
    }
    if (name === '(program)') continue;
    const from = origin(node.callFrame.url, name);
    byOrigin.set(from, (byOrigin.get(from) ?? 0) + ms);
    const where = location(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${name}@${where}`;
    const entry = byKey.get(key) ?? { function: name, location: where, selfMs: 0, share: 0 };
    entry.selfMs += ms;
    byKey.set(key, entry);
  }
  const busyMs = totalMs - idleMs;
  const sorted = [...byKey.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  for (const entry of sorted) entry.share = entry.selfMs / busyMs;
  return {
    file,
    totalMs,
    busyShare: busyMs / totalMs,
    top: sorted,
    byOrigin: [...byOrigin.entries()]
      .map(([from, ms]) => ({ origin: from, selfMs: ms, share: ms / busyMs }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, 12),
  };
}

/** The newest .cpuprofile in `dir`. */
export function newestProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort();
  return files.length ? join(dir, files[files.length - 1]) : undefined;
}
