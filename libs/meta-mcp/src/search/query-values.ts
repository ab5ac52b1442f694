import { isKnownExtension } from './file-types.js';

/**
 * The argument values in a request: URLs, file paths, e-mail addresses, owner/name slugs, identifiers with numbers and
 * quoted literals. They say what the request works on ("open https://shop.example/login", "read
 * /etc/nginx/nginx.conf") rather than what it wants done, and their words ("nginx", "login", "config" of config.yaml)
 * are not the words tools describe themselves with. A request's values are taken apart: the words inside them weigh
 * less than the request's own words, and each kind of value stands for the word every catalog uses for it (a URL for
 * "url", a path for "file", and for "directory" too when its last name has no dot, owner/name for
 * "repository"). What a value says it is stays a word like its kind: a file's extension (report.pdf, deck.pptx) and a
 * URL's site name (github.com). Capitalised words within a sentence are names (John Doe, Berlin, Acme): the index
 * weighs those no tool or server is named by like values. Nothing here is written from any tool catalog.
 */
export interface QueryValues {
  /** The request with its values cut out. */
  rest: string;
  /** The words of the values that name a kind of thing: extensions, site names. */
  kept: string;
  /** The other words of the values: path segments, file names, URL paths and queries, mail boxes, slugs, IDs, quotes. */
  args: string;
  /** The kinds of value present, as the words that stand for them. */
  kinds: Set<ValueKind>;
  /** Capitalised words within a sentence: names of people, places, products (John Doe, Berlin, Acme). */
  names: string;
}

type ValueKind = 'url' | 'file' | 'directory' | 'repository' | 'calculate math expression';

const URL_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+$/i;
const EMAIL = /^[^\s@/]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$/i;
// A path: rooted (/, ~/, ./, ../, C:\) or with a separator between two names; or a bare file name with an extension.
const ROOTED = /^(?:~[/\\]|\.{1,2}[/\\]|\/[^/\s]|[a-z]:\\)/i;
const SEPARATED = /^[\w.@~-]+(?:[/\\][\w.@~ -]*)+$/;
const BARE_FILE = /^[\w@-][\w.@-]*\.([a-z][a-z0-9]{0,5})$/i;
export const EXTENSION = /\.([a-z][a-z0-9]{0,5})$/i;
// Site suffixes that are also file extensions (.com is an MS-DOS program): a bare "openai.com" is a site.
const SITE_SUFFIX = new Set(['com', 'org', 'net', 'io', 'ai', 'dev', 'app', 'co', 'me', 'so', 'sh', 'gov', 'edu']);
// Bare "Node.js", "Vue.js", "Chart.js" are names of software; a script file has a path, a dash or an underscore.
const SCRIPT_NAME = /^[A-Za-z][A-Za-z0-9]*\.js$/;
// Host labels that say nothing about the site.
const HOST_NOISE = new Set(['www', 'api', 'app', 'm', 'en', 'docs']);
const TRIM = /^['"`(<[{]+|['"`)>\]}.,;:!?]+$/g;
// Source and configuration files the MIME database does not list.
const SOURCE_EXTENSIONS = new Set('py cfg env go tsx jsx rb kt swift ipynb lock vue'.split(' '));
// Arithmetic: two numbers joined by an operator ("1234 + 5678", "(1 + 0.045/12)^(12*30)", "17.5% of 2340", "12
// times 7"). A dash or slash counts only between spaces: 2024-05-12, 1/2/2024 and "lines 40-80" are not sums.
// A number starts where no digit precedes it: matching is then linear in the length of a run of digits.
const NUM = String.raw`(?<![\d.,])\d+(?:[.,]\d+)*`;
const ARITHMETIC = new RegExp(
  String.raw`${NUM}\)*\s*(?:[+*×÷^]|\s[-−/]\s|\s(?:plus|minus|times|divided by|multiplied by|to the power of|mod)\s)\s*\(*-?${NUM}|${NUM}\s?%\s+of\s+\$?${NUM}`,
  'i',
);
// Words longer than this are pasted blobs, left to the tokenizer's own limits.
const MAX_WORD = 300;

// Quoted text is a literal the tool is to work with: a title, a search string, text to write ("a note called 'Meeting
// with Acme'", replace "Acme Corp" with "Acme Inc."). The quote opens after a space and closes before one.
const QUOTED = /(^|[\s(:=])(?:'([^'\n]+)'|"([^"\n]+)"|‘([^’\n]+)’|“([^”\n]+)”)(?=$|[\s.,;:!?)])/g;
// owner/name and @scope/name: repositories, packages, actors (apify/rag-web-browser, Vatsal212005/FeatureForge).
const SLUG = /^@?[\w.-]+\/[\w.-]+$/;
// Identifiers: letters joined to a run of three or more digits (NCT04280705, act_request789, abc123). Shorter runs
// name things (mp3, gpt-4, base64, Q3).
const ID = /^(?=.*\p{L})[\p{L}\p{N}_-]*(?:\p{L}[\p{N}_-]*\d{3,}|\d{3,}[_-]?\p{L})[\p{L}\p{N}_-]*$/u;

export function splitValues(query: string): QueryValues {
  const rest: string[] = [];
  const kept: string[] = [];
  const args: string[] = [];
  const kinds = new Set<ValueKind>();
  const names: string[] = [];
  let sentenceStart = true;
  const pieces: [string, boolean][] = [];
  let at = 0;
  for (const m of query.matchAll(QUOTED)) {
    const start = m.index + m[1].length;
    pieces.push([query.slice(at, start), false], [m[0].slice(m[1].length), true]);
    at = m.index + m[0].length;
  }
  pieces.push([query.slice(at), false]);
  if (ARITHMETIC.test(query)) kinds.add('calculate math expression');
  for (const [text, quoted] of pieces) {
    for (const raw of text.split(/(\s+)/)) {
      const word = raw.length <= MAX_WORD ? raw.replace(TRIM, '') : '';
      if (!word.trim()) {
        rest.push(raw);
        continue;
      }
      if (URL_RE.test(word)) {
        kinds.add('url');
        const url = parseUrl(word);
        if (!url) {
          args.push(word);
          continue;
        }
        const labels = url.hostname.split('.');
        // The registrable name and what precedes it (news.ycombinator), not the suffix (com) or noise (www, api).
        kept.push(...labels.slice(0, -1).filter((l) => !HOST_NOISE.has(l)));
        args.push(decodeSafe(`${url.pathname} ${url.search} ${url.hash}`));
        const ext = EXTENSION.exec(url.pathname)?.[1];
        if (ext && isFileExtension(ext)) kept.push(ext);
      } else if (EMAIL.test(word) || ID.test(word)) {
        args.push(word);
      } else if (SLUG.test(word) && isSlug(word)) {
        // owner/name is how code hosts and registries name repositories; @scope/name is a package.
        if (!word.startsWith('@')) kinds.add('repository');
        args.push(word);
      } else if (isPath(word)) {
        const ext = EXTENSION.exec(word)?.[1];
        // A last name with a dot names a file (nginx.conf, .env.example, .bashrc); one without, a directory as likely
        // as a file (/etc/hosts, ~/Downloads); one ending in a separator, a directory.
        const folder = /[/\\]$/.test(word);
        const dotted = !folder && (ext !== undefined || /\.[^/\\.]+$/.test(word));
        if (!folder) kinds.add('file');
        if (!dotted) kinds.add('directory');
        const named = withoutSystemDirs(word);
        if (ext && isFileExtension(ext)) {
          kept.push(ext);
          args.push(named.slice(0, -ext.length - 1));
        } else {
          args.push(named);
        }
      } else if (quoted) {
        args.push(word);
      } else if (!sentenceStart && /^\p{Lu}\p{Ll}+(?:'s)?$/u.test(word)) {
        names.push(word);
      } else {
        rest.push(raw);
      }
      sentenceStart = /[.!?:]$/.test(raw);
    }
  }
  return { rest: rest.join(''), kept: kept.join(' '), args: args.join(' '), kinds, names: names.join(' ') };
}

// The top directories of the Filesystem Hierarchy Standard, and Users of Windows and macOS: where a file is, not
// what it is about ("home" of /home/ana/notes.md is no request for a commute tool).
const SYSTEM_DIRS = new Set(
  'bin boot dev etc home lib media mnt opt proc root run sbin srv sys tmp usr var users'.split(' '),
);

/** A path without its leading system directories, and without the user name that follows a home directory. */
function withoutSystemDirs(path: string): string {
  const parts = path.split(/[/\\]/);
  let i = 0;
  while (
    i < parts.length - 1 &&
    (parts[i] === '' || /^[a-z]:$|^~$/i.test(parts[i]) || SYSTEM_DIRS.has(parts[i].toLowerCase()))
  ) {
    // /home/ana/..., /Users/ana/..., C:\Users\ana\...: the next name is the user's.
    const home = /^(?:home|users)$/i.test(parts[i]);
    i += home && i + 2 < parts.length ? 2 : 1;
  }
  return parts.slice(i).join('/');
}

/** owner/name: a scope, or a part with a digit, dash, dot, underscore or inner capital; "and/or", "lat/long" are prose. */
function isSlug(word: string): boolean {
  if (word.startsWith('@')) return true;
  const parts = word.split('/');
  return (
    parts.length === 2 &&
    !parts[0].includes('.') &&
    parts.every((p) => /\p{L}/u.test(p)) &&
    parts.some((p) => /[\d_.-]|\p{Ll}\p{Lu}/u.test(p)) &&
    !EXTENSION.test(word)
  );
}

/** A path (rooted, or with separators) or a bare file name with an extension the MIME database knows. */
export function isPath(word: string): boolean {
  if (ROOTED.test(word)) return true;
  if (SEPARATED.test(word) && /[a-z]/i.test(word) && !/^\d+\/\d+/.test(word)) {
    // "input/output", "and/or": two plain words joined by a slash are prose, a path has three parts or an extension.
    return word.split(/[/\\]/).filter(Boolean).length > 2 || EXTENSION.test(word);
  }
  const bare = BARE_FILE.exec(word);
  if (!bare || SCRIPT_NAME.test(word)) return false;
  const ext = bare[1].toLowerCase();
  return !SITE_SUFFIX.has(ext) && isFileExtension(ext);
}

// Determiners that point at a thing the caller already has in hand ("this bar", "those two files"). Not "that":
// it more often starts a clause ("record that Bob leads Phoenix").
const POINTING = new Set(['this', 'these', 'those']);
// Words between a thing and the literal that names it ("a note called 'Plan'", "order ID 123").
const NAMING = new Set(['called', 'named', 'titled', 'id', 'number', 'no', '#']);
// Numbers, signed or with decimals, dates and codes written with digits: 456, #12, 52.52, -0.12, 2024-05-12.
const NUMBER = /^[#-]?\d[\d.,:/_-]*$/;
const HELD_VALUE = '\u0000';

/**
 * The words of a request that name a thing it already holds: pointed at ("this roadmap item", "these files") or
 * followed by the value that identifies it ("bar 456", "objective #12", "the note called 'Plan'"). A tool that needs
 * such a thing does not need another tool to find it first.
 */
export function heldWords(query: string): string[] {
  const words = query
    .replace(QUOTED, (_m, lead: string) => `${lead} ${HELD_VALUE} `)
    .split(/\s+/)
    .map((w) => w.replace(TRIM, '').toLowerCase())
    .filter(Boolean);
  const held: string[] = [];
  words.forEach((word, i) => {
    if (POINTING.has(word)) held.push(...words.slice(i + 1, i + 3).filter((w) => w !== HELD_VALUE));
    else if (word === HELD_VALUE || NUMBER.test(word) || ID.test(word)) {
      let j = i - 1;
      while (j >= 0 && NAMING.has(words[j])) j--;
      if (j >= 0 && words[j] !== HELD_VALUE && !NUMBER.test(words[j])) held.push(words[j]);
    }
  });
  return held;
}

function isFileExtension(ext: string): boolean {
  return SOURCE_EXTENSIONS.has(ext.toLowerCase()) || isKnownExtension(ext);
}

function parseUrl(word: string): URL | undefined {
  try {
    return new URL(/^www\./i.test(word) ? `http://${word}` : word);
  } catch {
    return undefined;
  }
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
