import { isKnownExtension } from './file-types.js';

/**
 * The argument values in a request: URLs, file paths, e-mail addresses, owner/name slugs, identifiers with numbers and
 * quoted literals. They say what the request works on ("open https://shop.example/login", "read
 * /etc/nginx/nginx.conf") rather than what it wants done, and their words ("nginx", "login", "config" of config.yaml)
 * are not the words tools describe themselves with. A request's values are taken apart: the words inside them weigh
 * less than the request's own words, and each kind of value stands for the word every catalog uses for it (a URL for
 * "url", a path for "file", and for "directory" too when its last name has no extension, owner/name for
 * "repository"). What a value says it is stays a word like its kind: a file's extension (report.pdf, deck.pptx) and a
 * URL's site name (github.com). Nothing here is written from any tool catalog.
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
}

type ValueKind = 'url' | 'file' | 'directory' | 'repository';

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
  const pieces: [string, boolean][] = [];
  let at = 0;
  for (const m of query.matchAll(QUOTED)) {
    const start = m.index + m[1].length;
    pieces.push([query.slice(at, start), false], [m[0].slice(m[1].length), true]);
    at = m.index + m[0].length;
  }
  pieces.push([query.slice(at), false]);
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
        // A last name without an extension is a directory as likely as a file; one ending in a separator, a directory.
        if (ext || !/[/\\]$/.test(word)) kinds.add('file');
        if (!ext) kinds.add('directory');
        if (ext && isFileExtension(ext)) {
          kept.push(ext);
          args.push(word.slice(0, -ext.length - 1));
        } else {
          args.push(word);
        }
      } else if (quoted) {
        args.push(word);
      } else {
        rest.push(raw);
      }
    }
  }
  return { rest: rest.join(''), kept: kept.join(' '), args: args.join(' '), kinds };
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
