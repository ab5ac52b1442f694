import { tokenize } from './tokenize.js';

/**
 * Whether a request asks to read or to change something, from its verbs and its form, to set against the tool
 * annotations of the MCP specification (`readOnlyHint`): "who has access to this board?" reads, "remove the arrow"
 * writes. General English only; nothing here is written from any tool catalog. `undefined` when the request has no
 * such verb.
 */
export type Intent = 'read' | 'write';

const WRITE = new Set(
  (
    'create add make new build generate insert put update edit modify change alter set rename move delete remove ' +
    'erase clear drop destroy write save store upload send post publish replace attach detach share invite assign ' +
    'unassign archive close reopen merge approve reject mark tag untag link unlink connect disconnect resize ' +
    'duplicate copy import restore revoke grant enable disable start stop kill cancel schedule book register submit'
  ).split(' '),
);
const READ = new Set(
  (
    'show list get find search look view read display fetch check tell give see lookup retrieve describe explain ' +
    'summarize summarise count compare browse inspect which what who whom whose when where why how'
  ).split(' '),
);
// Questions that start like this read, whatever follows ("is there a board called Retro?", "who edited X?").
const QUESTION_START = new Set('what which who whom whose when where why how is are was were does did any'.split(' '));
// Politeness and pronouns before the verb of a request ("can you please remove ...", "I want to add ...").
const LEAD = new Set(
  'can could would will please you i we me us let lets want need like to just now ok so hey'.split(' '),
);
// The verb of an imperative comes first; later verbs are often part of what it names ("show the edit history").
const SCAN_WORDS = 12;

export function requestIntent(request: string): Intent | undefined {
  const words = tokenize(request.slice(0, 400)).filter((w) => /^[a-z]+$/.test(w));
  let i = 0;
  while (i < words.length && LEAD.has(words[i])) i++;
  if (i >= words.length) return undefined;
  if (QUESTION_START.has(words[i])) return 'read';
  for (const w of words.slice(i, i + SCAN_WORDS)) {
    if (WRITE.has(w)) return 'write';
    if (READ.has(w)) return 'read';
  }
  return undefined;
}

/** A tool's side per its annotations: read-only, or not; undefined when it does not say. */
export function toolIntent(annotations: Record<string, unknown> | undefined): Intent | undefined {
  const readOnly = annotations?.readOnlyHint;
  if (readOnly === true) return 'read';
  if (readOnly === false || annotations?.destructiveHint === true) return 'write';
  return undefined;
}
