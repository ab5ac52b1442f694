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
    stem = porterStem(lower);
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    stemCache.set(lower, stem);
  }
  return stem;
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

// Porter (1980) stemmer, after Martin Porter's reference JavaScript port.
const C = '[^aeiou][^aeiouy]*';
const V = '[aeiouy][aeiou]*';
const MGR0 = new RegExp(`^(${C})?${V}${C}`);
const MEQ1 = new RegExp(`^(${C})?${V}${C}(${V})?$`);
const MGR1 = new RegExp(`^(${C})?${V}${C}${V}${C}`);
const HAS_VOWEL = new RegExp(`^(${C})?[aeiouy]`);
const CVC = new RegExp(`^${C}[aeiouy][^aeiouwxy]$`);
const STEP2: Record<string, string> = {
  ational: 'ate',
  tional: 'tion',
  enci: 'ence',
  anci: 'ance',
  izer: 'ize',
  bli: 'ble',
  alli: 'al',
  entli: 'ent',
  eli: 'e',
  ousli: 'ous',
  ization: 'ize',
  ation: 'ate',
  ator: 'ate',
  alism: 'al',
  iveness: 'ive',
  fulness: 'ful',
  ousness: 'ous',
  aliti: 'al',
  iviti: 'ive',
  biliti: 'ble',
  logi: 'log',
};
const STEP3: Record<string, string> = {
  icate: 'ic',
  ative: '',
  alize: 'al',
  iciti: 'ic',
  ical: 'ic',
  ful: '',
  ness: '',
};
const STEP2_RE = new RegExp(`^(.+?)(${Object.keys(STEP2).join('|')})$`);
const STEP3_RE = new RegExp(`^(.+?)(${Object.keys(STEP3).join('|')})$`);
const STEP4_RE = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;

export function porterStem(input: string): string {
  if (input.length < 3) return input;
  const yFirst = input.startsWith('y');
  let w = yFirst ? 'Y' + input.slice(1) : input;
  let m: RegExpExecArray | null;

  // Step 1a: plurals.
  if ((m = /^(.+?)(ss|i)es$/.exec(w))) w = m[1] + m[2];
  else if ((m = /^(.+?)([^s])s$/.exec(w))) w = m[1] + m[2];

  // Step 1b: -eed, -ed, -ing.
  if ((m = /^(.+?)eed$/.exec(w))) {
    if (MGR0.test(m[1])) w = w.slice(0, -1);
  } else if ((m = /^(.+?)(ed|ing)$/.exec(w)) && HAS_VOWEL.test(m[1])) {
    w = m[1];
    if (/(at|bl|iz)$/.test(w)) w += 'e';
    else if (/([^aeiouylsz])\1$/.test(w)) w = w.slice(0, -1);
    else if (CVC.test(w)) w += 'e';
  }

  // Step 1c: terminal y -> i when the stem has a vowel.
  if ((m = /^(.+?)y$/.exec(w)) && HAS_VOWEL.test(m[1])) w = m[1] + 'i';

  if ((m = STEP2_RE.exec(w)) && MGR0.test(m[1])) w = m[1] + STEP2[m[2]];
  if ((m = STEP3_RE.exec(w)) && MGR0.test(m[1])) w = m[1] + STEP3[m[2]];

  // Step 4: drop a derivational suffix when enough stem remains.
  if ((m = STEP4_RE.exec(w))) {
    if (MGR1.test(m[1])) w = m[1];
  } else if ((m = /^(.+?)([st])ion$/.exec(w))) {
    if (MGR1.test(m[1] + m[2])) w = m[1] + m[2];
  }

  // Step 5: tidy a final -e and -ll.
  if ((m = /^(.+?)e$/.exec(w))) {
    const stem = m[1];
    if (MGR1.test(stem) || (MEQ1.test(stem) && !CVC.test(stem))) w = stem;
  }
  if (/ll$/.test(w) && MGR1.test(w)) w = w.slice(0, -1);

  return yFirst ? 'y' + w.slice(1) : w;
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

// Requests name file formats and everyday verbs; tool catalogs name applications and API verbs.
const SYNONYMS: Record<string, string> = {
  save: 'write',
  store: 'write',
  export: 'write',
  persist: 'write',
  find: 'search',
  lookup: 'search',
  look: 'search',
  query: 'search',
  show: 'get',
  display: 'get',
  view: 'get',
  fetch: 'get',
  retrieve: 'get',
  remove: 'delete',
  erase: 'delete',
  make: 'create',
  generate: 'create',
  build: 'create',
  produce: 'create',
  picture: 'image',
  photo: 'image',
  pic: 'image',
  md: 'markdown',
  doc: 'word document',
  docx: 'word document',
  xls: 'excel spreadsheet',
  xlsx: 'excel spreadsheet',
  ppt: 'powerpoint presentation',
  pptx: 'powerpoint presentation',
  py: 'python',
  js: 'javascript',
  ts: 'typescript',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  svg: 'image',
  wav: 'audio',
  mp3: 'audio',
  mp4: 'video',
  txt: 'text',
};
const SYNONYM_TERMS = new Map<string, string[]>();

/** Index terms a query term also stands for (both sides analysed, so stems line up). */
export function synonymsOf(term: string): string[] {
  if (SYNONYM_TERMS.size === 0) {
    for (const [word, means] of Object.entries(SYNONYMS)) {
      const key = processTerm(word);
      if (key) SYNONYM_TERMS.set(key, [...(SYNONYM_TERMS.get(key) ?? []), ...analyze(means)]);
    }
  }
  return SYNONYM_TERMS.get(term) ?? [];
}
