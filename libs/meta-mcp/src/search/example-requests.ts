import { processTerm, tokenize } from './tokenize.js';

/**
 * Tool descriptions written for agents often quote the requests a tool answers ("USE WHEN: user says 'what boards do
 * I have'", "e.g. 'convert this page to PDF'"). A request worded like one of them names that tool, function words
 * and all ("who has access", "what's on this board"), which word-level ranking without stop words cannot see. This
 * keeps each tool's quoted phrases of two or more words as sets of words (stems, stop words kept) and measures how
 * well a request covers the best of them.
 */

// Quoted phrases: straight or curly double quotes, or single quotes that open after a space or bracket.
const QUOTED = /["“]([^"”\n]{3,120})["”]|(?:^|[\s(:,])'([^'\n]{3,120})'(?=[\s).,;:!?]|$)/g;
const MIN_WORDS = 2;
const MAX_WORDS = 16;
// Requests this long describe a task, not one tool's use; no example is worded like them.
const MAX_REQUEST_WORDS = 40;

/** The word set of a text: stems, with stop words kept as they are (single letters and placeholders dropped). */
export function exampleWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const token of tokenize(text)) {
    if (token.length < 2 || !/\p{L}/u.test(token)) continue;
    words.add(processTerm(token) ?? token);
  }
  return words;
}

/** The quoted example requests of a description, each as its word set. */
export function quotedExamples(description: string): Set<string>[] {
  const out: Set<string>[] = [];
  for (const m of description.matchAll(QUOTED)) {
    const phrase = m[1] ?? m[2];
    // One token ("gene:BRAF", "NCT04280705") is an argument example, not a request.
    if (!/\S\s+\S/.test(phrase)) continue;
    const words = exampleWords(phrase);
    if (words.size >= MIN_WORDS && words.size <= MAX_WORDS) out.push(words);
  }
  return out;
}

/**
 * How closely the request (as exampleWords) matches the best example: the Dice overlap of the two word sets, in
 * [0, 1]; 0 for long requests or no examples.
 */
export function exampleMatch(request: Set<string>, examples: readonly Set<string>[]): number {
  if (examples.length === 0 || request.size === 0 || request.size > MAX_REQUEST_WORDS) return 0;
  let best = 0;
  for (const example of examples) {
    let shared = 0;
    for (const w of example) if (request.has(w)) shared++;
    best = Math.max(best, (2 * shared) / (example.size + request.size));
  }
  return best;
}
