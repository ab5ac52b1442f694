import { createRequire } from 'node:module';

/**
 * A request that asks for its answer in a text file ("save it to /root/notes/summary.md", "write the report to
 * ./out.txt") needs, besides the tools that find the content, a tool that writes files: the agent composes the text
 * and writes it. A binary document (a .pdf, .pptx, .png) comes from a tool that makes that format instead, so only
 * paths whose type is text say so. Types from the MIME database (npm `mime-db`, MIT); nothing here is written from
 * any tool catalog.
 */

type MimeDb = Record<string, { extensions?: string[] }>;

// A file path (absolute, relative or home) with an extension, as one whitespace-separated word (quotes and trailing
// punctuation stripped); a URL is no path. Words longer than MAX_WORD are pasted blobs.
const PATH = /^(?:~|\.{1,2})?\/[^:]*\.([A-Za-z0-9]{1,6})$/;
// A bare file name ("out.md", "q3-report.pptx") counts when the MIME database knows its extension.
const FILE_NAME = /^\w[\w-]*(?:\.[\w-]+)*\.([A-Za-z0-9]{1,6})$/;
const MAX_WORD = 300;
// Verbs that put something into a file (and their usual forms), looked for among the words just before the path.
const OUTPUT_VERB =
  /\b(?:save[ds]?|saving|write|writes|writing|written|wrote|store[ds]?|storing|export(?:s|ed|ing)?|output|generate[ds]?|generating|summari[sz](?:e[ds]?|ing)|create[ds]?|creating)\b/i;
const DESTINATION = /^(?:to|at|in|into|as|on)$/i;
// How far before a path its verb may be, in words: about a clause ("save the final summary as markdown to <path>").
const WINDOW_WORDS = 8;
// Application types that are text a writer composes.
const TEXT_APPLICATION =
  /^application\/(?:json|javascript|ecmascript|xml|.*\+xml|.*\+json|x-sh|x-httpd-php|sql|x-tex|x-latex|yaml|x-yaml|toml|x-python|x-ruby|x-perl)$/;

let textExtensions: Map<string, boolean> | undefined;
/** Per binary extension, the words its MIME type names it by (pptx: presentation, png: image png). */
const documentWords = new Map<string, string>();

/** Reads the MIME database (once per process; index builds call it so that no request waits for it). */
export function loadFileTypes(): void {
  if (!textExtensions) {
    textExtensions = new Map();
    try {
      const db = createRequire(import.meta.url)('mime-db') as MimeDb;
      for (const [type, { extensions }] of Object.entries(db)) {
        const text = type.startsWith('text/') || TEXT_APPLICATION.test(type);
        // An extension of several types counts as text if any of them is (.ts: video/mp2t, yet TypeScript).
        for (const e of extensions ?? []) textExtensions.set(e, (textExtensions.get(e) ?? false) || text);
        // Documents (application/*; images, audio and video come from the tools that make their content): the last part
        // of the subtype names the format (vnd.openxmlformats-officedocument.presentationml.presentation).
        if (!text && type.startsWith('application/')) {
          const words = type.slice(12).split(/[.+]/).pop()!.replace(/^x-/, '');
          for (const e of extensions ?? []) if (!documentWords.has(e)) documentWords.set(e, words);
        }
      }
    } catch {
      // Without the database every extension is unknown, and unknown extensions count as text (source files).
    }
  }
}

/** True when the MIME database knows `ext` as a file extension. */
export function isKnownExtension(ext: string): boolean {
  loadFileTypes();
  return textExtensions!.has(ext.toLowerCase());
}

function knownFileName(word: string): RegExpExecArray | null {
  const m = FILE_NAME.exec(word);
  return m && isKnownExtension(m[1]) ? m : null;
}

function isTextExtension(ext: string): boolean {
  loadFileTypes();
  return textExtensions!.get(ext.toLowerCase()) ?? true;
}

/** True when `text` asks for output into a text file: a write verb shortly before a path to one. */
export function asksForTextFile(text: string): boolean {
  return outputFiles(text).text;
}

/**
 * What files `text` asks its answer in: a text file (a write verb shortly before a path to one), and the MIME words of
 * the binary documents it asks for the same way ("save it as /root/ppt/apple.pptx": presentation).
 */
export function outputFiles(text: string): { text: boolean; documents: string[] } {
  const out = { text: false, documents: [] as string[] };
  const words = text.split(/\s+/);
  // The words of the current sentence before the word at i; linear in the request's length.
  let sentence = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.length <= MAX_WORD) {
      const bare = word.replace(/^['"`(]+|['"`),;:!?.]+$/g, '');
      const path = PATH.exec(bare) ?? knownFileName(bare);
      // "... to <path>", "... as <path>": where it goes; "from <path>", "under <path>" is where it comes from.
      if (path && i > sentence && DESTINATION.test(words[i - 1].replace(/^\W+/, ''))) {
        const before = words.slice(Math.max(sentence, i - WINDOW_WORDS), i).join(' ');
        if (OUTPUT_VERB.test(before)) {
          if (isTextExtension(path[1])) out.text = true;
          else {
            const doc = documentWords.get(path[1].toLowerCase());
            if (doc && !out.documents.includes(doc)) out.documents.push(doc);
          }
        }
      }
    }
    if (/[.!?;]$/.test(word)) sentence = i + 1;
  }
  return out;
}
