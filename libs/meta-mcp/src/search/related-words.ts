import { createRequire } from 'node:module';
import { processTerm } from './tokenize.js';

/**
 * Words related in general English, from the npm package `synonyms` (MIT; its lists are the first WordNet synsets of
 * about 15,000 headwords, WordNet being Princeton's, under its BSD-style licence): "remember" and "memory" (whose list has "remembering"), "note" and "observe". Nothing here
 * is written from any tool catalog. Search uses it only when no word of a request is in any tool, before near
 * spellings, so a request in other words than the catalog's still finds its tools, and a request that has a catalog
 * word is ranked by its own words alone.
 *
 * The relation is taken both ways between a headword and each word of its lists (stems of single words only), as
 * WordNet's own lists are not symmetric. About 0.3 s of CPU and 6 MB of heap, once per process, at the first index
 * build that uses it (bench:search measures it).
 */

type Dictionary = Record<string, Record<string, string[]>>;

let related: Map<string, string[]> | undefined;
let failed: string | undefined;

/** The stem -> related stems map, built on first call; undefined if the package is missing. */
export function loadRelatedWords(): Map<string, string[]> | undefined {
  if (related || failed !== undefined) return related;
  try {
    related = build(createRequire(import.meta.url)('synonyms/dictionary.js') as Dictionary);
  } catch (err) {
    failed = (err as Error).message;
  }
  return related;
}

/**
 * Stems related to the stem `term` (never `term` itself), each with a strength in (0, 1]: relatives that also share
 * relatives with `term` are closer ("remember" and "memory" share "commemorate"; "remember" and "think" share none):
 * ((1 + shared) / (1 + most shared by any))², so "think" counts a quarter of "memory" here (squared: on the dev splits
 * it cost one MetaTool query against the plain ratio, and puts memory above sequential thinking for "remember ...").
 * Empty before loadRelatedWords() or if it failed.
 */
export function relatedTerms(term: string): readonly [string, number][] {
  const direct = related?.get(term);
  if (!direct) return [];
  const mine = new Set(direct);
  const shared = direct.map((r) => (related!.get(r) ?? []).filter((x) => mine.has(x)).length);
  const most = Math.max(...shared);
  return direct.map((r, i) => [r, ((1 + shared[i]) / (1 + most)) ** 2]);
}

function build(dictionary: Dictionary): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (a === b) return;
    let set = sets.get(a);
    if (!set) sets.set(a, (set = new Set()));
    set.add(b);
  };
  for (const [head, byPos] of Object.entries(dictionary)) {
    const h = stem(head);
    if (!h) continue;
    for (const words of Object.values(byPos)) {
      for (const word of words) {
        const w = stem(word);
        if (!w) continue;
        link(h, w);
        link(w, h);
      }
    }
  }
  return new Map([...sets].map(([k, v]) => [k, [...v]]));
}

function stem(word: string): string | null {
  return /^[a-z]+$/.test(word) ? processTerm(word) : null;
}
