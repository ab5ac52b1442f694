import { processTerm, tokenize } from './tokenize.js';

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

/**
 * Both readings of a request's verb from one pass over its words: read vs write (against tool annotations) and the
 * finer action (against tool names). A question reads; else the first word among the first few, after politeness,
 * that each vocabulary knows.
 */
export function requestVerbs(request: string): { intent?: Intent; action?: Action } {
  const words = openingWords(request);
  if (words.length === 0) return {};
  if (QUESTION_START.has(words[0])) return { intent: 'read', action: 'read' };
  const scanned = words.slice(0, SCAN_WORDS);
  const action = first(scanned, (w) => ACTION_OF.get(w));
  return {
    intent: first(scanned, (w) => (WRITE.has(w) ? 'write' : READ.has(w) ? 'read' : undefined)),
    // Two clauses that ask for two kinds of action ("create a dependency, but first show me bar 456") ask for both.
    action: action && clauseActions(request).some((a) => a !== action) ? undefined : action,
  };
}

// Where a request's next clause starts: punctuation, or a word that joins a step to the one before.
const CLAUSE_BREAK = /[,;:.!?]+|\b(?:and|then|but|also|first|next|after that|afterwards)\b/i;

/** The action of each clause that opens with a verb (after politeness): the steps an imperative request lists. */
function clauseActions(request: string): Action[] {
  const out: Action[] = [];
  for (const clause of request.slice(0, 400).split(CLAUSE_BREAK)) {
    const a = clause ? ACTION_OF.get(openingWords(clause)[0]) : undefined;
    if (a) out.push(a);
  }
  return out;
}

/** The lowercase words of a text (its first 400 characters), from the first one after politeness and pronouns. */
function openingWords(text: string): string[] {
  const words = tokenize(text.slice(0, 400)).filter((w) => /^[a-z]+$/.test(w));
  let i = 0;
  while (i < words.length && LEAD.has(words[i])) i++;
  return words.slice(i);
}

function first<T>(words: string[], kind: (word: string) => T | undefined): T | undefined {
  for (const w of words) {
    const k = kind(w);
    if (k !== undefined) return k;
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

/**
 * Finer than read vs write: what a request does to the thing it names, and what a tool's name says it does
 * ("remove the arrow" is delete_connector, not create_connector or update_item). General English verbs only.
 */
export type Action = 'read' | 'create' | 'update' | 'delete';

const ACTIONS: Record<Action, string> = {
  read:
    'get show list find search look view read display fetch check see lookup retrieve describe explain browse ' +
    'inspect query',
  create: 'create add make new build generate insert draw compose',
  update: 'update edit modify change alter rename resize move replace patch revise adjust',
  delete: 'delete remove erase drop destroy purge discard trash',
};
const ACTION_OF = new Map<string, Action>();
for (const [action, verbs] of Object.entries(ACTIONS) as [Action, string][]) {
  for (const v of verbs.split(' ')) ACTION_OF.set(v, action);
}
// Name verbs that stand for every kind of change: one tool creates, updates and deletes ("manage_bar", "upsert_x").
const ANY_WRITE = new Set(['manage', 'upsert']);
// Name verbs that make or overwrite, never delete ("write_file", "set_config_value").
const PUT = new Set(['write', 'save', 'put', 'set']);

/** The actions a tool's name says it does ('write' for a name verb of any change); empty when it has no such verb. */
export function nameActions(name: string): Set<Action | 'write'> {
  const out = new Set<Action | 'write'>();
  for (const w of tokenize(name)) {
    const a = ACTION_OF.get(w);
    if (a) out.add(a);
    else if (ANY_WRITE.has(w)) out.add('write');
    else if (PUT.has(w)) out.add('create').add('update');
  }
  return out;
}

// Every action verb, as written and as the index stems it (identifierWords): "delete" and "delet".
const NAME_VERBS = new Set(
  [...ACTION_OF.keys(), ...ANY_WRITE, ...PUT].flatMap((v) => [v, processTerm(v)]).filter((v): v is string => !!v),
);

/** Whether a name word, as written or as the index stems it, is one of the action verbs (of any kind). */
export function isNameVerb(word: string): boolean {
  return NAME_VERBS.has(word);
}

/** Whether a tool whose name says `actions` can do what a request asks; true when its name has no action verb. */
export function actionFits(wanted: Action, actions: Set<Action | 'write'>): boolean {
  if (actions.size === 0 || actions.has(wanted)) return true;
  return wanted !== 'read' && actions.has('write');
}
