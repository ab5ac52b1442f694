import porter2 from 'wink-porter2-stemmer';

/**
 * Text analysis for the tool search index: identifiers and prose both become lowercase word stems,
 * so `getRecipeById`, `get_recipe_by_id` and "get recipes by id" land on the same terms.
 */

// Han, kana and Hangul runs carry no spaces; overlapping character bigrams are the usual substitute for words.
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/g;
const WORD_RUN = /[\p{L}\p{N}]+/gu;
// lower|Upper, UPPER|Upper-lower (HTMLParser -> HTML Parser), letter|digit and digit|letter boundaries.
const IDENT_BOUNDARY = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each either etc few for from further had has have having he her here hers ' +
    'him his how i if in into is it its itself just let me more most my myself no nor not now of off on once only or ' +
    'other our ours out over own please same she should so some such than that the their theirs them then there these ' +
    'they this those through to too under until up us very via was we were what when where which while who whom why ' +
    'will with would you your yours also may might must shall using use used e g eg ie'
  ).split(' '),
);

/**
 * Splits text into lowercase pieces: words from identifiers and prose, plus bigrams for CJK runs.
 * A compound identifier also keeps its joined form, so a query naming `LeetCode` matches `leetcode`.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  if (text.length > MAX_RUN) text = dropBlobs(text);
  for (const chunk of text.split(CJK_RUN)) splitWords(chunk, out);
  for (const run of text.match(CJK_RUN) ?? []) {
    const chars = Array.from(run);
    if (chars.length === 1) out.push(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  }
  return out;
}

// Longer runs are pasted blobs (base64, hashes), not words; indexing them only costs time.
const MAX_WORD = 40;
// A run this long without whitespace is a pasted blob (base64, minified code), however it splits into words.
const MAX_RUN = 200;

/** Removes blobs before the per-word work: an 18 kB base64 paste otherwise costs milliseconds of stemming. */
function dropBlobs(text: string): string {
  return text
    .split(/(\s+)/)
    .filter((run) => run.length <= MAX_RUN)
    .join('');
}

function splitWords(text: string, out: string[]): void {
  for (const word of text.match(WORD_RUN) ?? []) {
    if (word.length > MAX_WORD) continue;
    const parts = word.split(IDENT_BOUNDARY);
    for (const part of parts) out.push(part.toLowerCase());
    if (parts.length > 1) out.push(word.toLowerCase());
  }
}

// Queries bring arbitrary words; the cache is dropped when full rather than growing with traffic.
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 20_000;

/** Drops stop words and single Latin letters, stems English words; CJK bigrams and numbers pass unchanged. */
export function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (CJK.test(lower)) return lower;
  if (lower.length < 2 || STOP_WORDS.has(lower)) return null;
  if (!/^[a-z]+$/.test(lower)) return lower;
  let stem = stemCache.get(lower);
  if (stem === undefined) {
    stem = joinDerivations(porter2(lower));
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    stemCache.set(lower, stem);
  }
  return stem;
}

/**
 * Porter2 leaves a final i where it turns -y into -i or strips -al (summary -> summari, financial -> financi) but
 * strips -ize and keeps -e off (summarize -> summar, finance -> financ), so the forms of one word never meet. Dropping
 * that i joins them (history/historical, strategy/strategic, category/categorize); stems this short keep theirs.
 */
function joinDerivations(stem: string): string {
  return stem.length >= 6 && stem.endsWith('i') ? stem.slice(0, -1) : stem;
}

/** The words of an identifier, without its joined form: `getActorOutput` -> get, actor, output. */
export function identifierWords(name: string): string[] {
  return analyze(name.split(IDENT_BOUNDARY).join(' '));
}

/** tokenize + processTerm: the terms the index stores for a text. */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const term = processTerm(token);
    if (term) terms.push(term);
  }
  return terms;
}

/**
 * Porter2 (the Snowball English stemmer): unlike the 1980 Porter stemmer it keeps words such as "news" whole
 * (Porter made it "new", a word every catalog uses) and handles -ly and -y endings better.
 */
export function porterStem(word: string): string {
  return porter2(word);
}

// Words that make a request polite or conversational but never name what a tool does.
const QUERY_FILLER = new Set(
  'help want need like tell know give let please could would im ll ve re don doesn thank'
    .split(' ')
    .map((w) => processTerm(w) ?? w),
);

export function isQueryFiller(term: string): boolean {
  return QUERY_FILLER.has(term);
}

// The verbs of tool names and requests alike (CRUD and API verbs): they say what is done, not what it is done to, and
// most servers have tools for several of them, so the thing a request names tells tools apart better than its verb.
const ACTION_WORDS = new Set(
  (
    'get fetch retrieve obtain show display view return find search look lookup query seek locate discover create make ' +
    'generate build produce new add insert update edit modify change alter revise set replace delete remove erase clear ' +
    'drop read open load write save store persist export run execute call invoke start launch trigger list browse ' +
    'enumerate send post publish share convert transform compare'
  )
    .split(' ')
    .map((w) => processTerm(w) ?? w),
);

export function isActionWord(term: string): boolean {
  return ACTION_WORDS.has(term);
}
