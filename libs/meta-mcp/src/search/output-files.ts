import { documentWord, isTextExtension } from './file-types.js';
import { EXTENSION, isPath } from './query-values.js';

/**
 * A request that asks for its answer in a text file ("save it to /root/notes/summary.md", "write the report to
 * ./out.txt") needs, besides the tools that find the content, a tool that writes files: the agent composes the text
 * and writes it. A binary document (a .pdf, .pptx, .png) comes from a tool that makes that format instead, so only
 * paths whose type is text say so. Types from the MIME database (file-types.ts); nothing here is written from
 * any tool catalog.
 */

// A file is a path or file name with an extension (query-values.ts), as one whitespace-separated word (quotes and
// trailing punctuation stripped); a URL is no path. Words longer than MAX_WORD are pasted blobs.
const MAX_WORD = 300;
// Verbs that put something into a file (and their usual forms), looked for among the words just before the path.
const OUTPUT_VERB =
  /\b(?:save[ds]?|saving|write|writes|writing|written|wrote|store[ds]?|storing|export(?:s|ed|ing)?|output|generate[ds]?|generating|summari[sz](?:e[ds]?|ing)|create[ds]?|creating)\b/i;
const DESTINATION = /^(?:to|at|in|into|as|on)$/i;
// How far before a path its verb may be, in words: about a clause ("save the final summary as markdown to <path>").
const WINDOW_WORDS = 8;

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
      const path = isPath(bare) ? EXTENSION.exec(bare) : null;
      // "... to <path>", "... as <path>": where it goes; "from <path>", "under <path>" is where it comes from.
      if (path && i > sentence && DESTINATION.test(words[i - 1].replace(/^\W+/, ''))) {
        const before = words.slice(Math.max(sentence, i - WINDOW_WORDS), i).join(' ');
        if (OUTPUT_VERB.test(before)) {
          if (isTextExtension(path[1])) out.text = true;
          else {
            const doc = documentWord(path[1]);
            if (doc && !out.documents.includes(doc)) out.documents.push(doc);
          }
        }
      }
    }
    if (/[.!?;]$/.test(word)) sentence = i + 1;
  }
  return out;
}
