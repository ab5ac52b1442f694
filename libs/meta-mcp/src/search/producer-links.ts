/**
 * A sibling produces a tool's input when its description names the rare words of that tool's required parameters
 * without taking them itself: geocode_address mentions latitude/longitude, which find_nearby_places requires. Agents
 * call such producers first, so search lifts them next to their consumers. Derived from catalog-wide idf only.
 */
export interface LinkDoc {
  /** Analysed names of the required parameters. */
  required: Set<string>;
  /** Analysed terms of name, title, description and parameters. */
  terms: Set<string>;
}

// A producer must explain enough rare vocabulary of a consumer's inputs (summed idf, as a share of the largest
// possible idf ln N, so small catalogs link too): "data" alone links nothing.
const MIN_LINK_IDF = 0.4;
const MIN_LINK_SHARE = 0.5;

/** consumer -> [producer, strength] among the given sibling ids; `toolDf` counts tools per term, `n` all tools. */
export function linkSiblings(
  ids: number[],
  doc: (id: number) => LinkDoc,
  toolDf: Map<string, number>,
  n: number,
): Map<number, [number, number][]> {
  const links = new Map<number, [number, number][]>();
  const idf = (t: string) => Math.log(n / Math.max(1, toolDf.get(t) ?? 0));
  const minCovered = MIN_LINK_IDF * Math.log(n);
  for (const consumer of ids) {
    const need = doc(consumer).required;
    let needIdf = 0;
    for (const t of need) needIdf += idf(t);
    if (needIdf === 0) continue;
    const found: [number, number][] = [];
    for (const producer of ids) {
      if (producer === consumer) continue;
      const { required: takes, terms: says } = doc(producer);
      let covered = 0;
      let shared = 0;
      for (const t of need) {
        if (takes.has(t)) shared++;
        else if (says.has(t)) covered += idf(t);
      }
      const share = covered / needIdf;
      if (shared * 2 < need.size && covered >= minCovered && share >= MIN_LINK_SHARE) found.push([producer, share]);
    }
    if (found.length > 0) links.set(consumer, found);
  }
  return links;
}
