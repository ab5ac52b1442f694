import { createRequire } from 'node:module';

/**
 * What the MIME database (npm `mime-db`, MIT) says of file extensions: whether a file of that type is text a writer
 * composes, and the word a binary document's type names it by. Nothing here is written from any tool catalog.
 */

type MimeDb = Record<string, { extensions?: string[] }>;

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

/** True unless the MIME database knows `ext` as a binary type only: an unknown extension is source text (.py). */
export function isTextExtension(ext: string): boolean {
  loadFileTypes();
  return textExtensions!.get(ext.toLowerCase()) ?? true;
}

/** The word the MIME type of a binary document's extension names it by (pptx: presentation), if it is one. */
export function documentWord(ext: string): string | undefined {
  loadFileTypes();
  return documentWords.get(ext.toLowerCase());
}
