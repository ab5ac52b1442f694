/**
 * Near spellings of a term among the terms a catalog uses, by shared character trigrams (Dice coefficient):
 * "wether" finds "weather", "prefer" finds "refer". It depends on no word list, so it carries to any catalog and any
 * language with spaces between words, and it is what keeps a query that shares no exact term with any tool from
 * coming back empty.
 */
export interface FuzzyMatch {
  term: string;
  similarity: number;
}

// Stems shorter than this have too few trigrams to compare meaningfully.
const MIN_LENGTH = 4;
// A trigram that starts more terms than this says little and costs time (only ever skipped on huge vocabularies).
const MAX_POSTINGS = 2_000;

export class FuzzyTerms {
  private readonly byGram = new Map<string, number[]>();
  private readonly terms: string[] = [];
  private readonly gramCounts: number[] = [];

  constructor(vocabulary: Iterable<string>) {
    for (const term of vocabulary) {
      if (term.length < MIN_LENGTH || !/^[a-z]+$/.test(term)) continue;
      const id = this.terms.length;
      const grams = trigrams(term);
      this.terms.push(term);
      this.gramCounts.push(grams.size);
      for (const g of grams) {
        const list = this.byGram.get(g);
        if (list) list.push(id);
        else this.byGram.set(g, [id]);
      }
    }
  }

  /** Up to `limit` catalog terms at or above `minSimilarity`, most similar first (ties: shorter first). */
  similar(term: string, minSimilarity: number, limit: number): FuzzyMatch[] {
    if (term.length < MIN_LENGTH || !/^[a-z]+$/.test(term)) return [];
    const grams = trigrams(term);
    const shared = new Map<number, number>();
    for (const g of grams) {
      const list = this.byGram.get(g);
      if (!list || list.length > MAX_POSTINGS) continue;
      for (const id of list) shared.set(id, (shared.get(id) ?? 0) + 1);
    }
    const out: FuzzyMatch[] = [];
    for (const [id, n] of shared) {
      const similarity = (2 * n) / (grams.size + this.gramCounts[id]);
      if (similarity >= minSimilarity && this.terms[id] !== term) out.push({ term: this.terms[id], similarity });
    }
    out.sort((a, b) => b.similarity - a.similarity || a.term.length - b.term.length || (a.term < b.term ? -1 : 1));
    return out.slice(0, limit);
  }
}

function trigrams(term: string): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= term.length; i++) grams.add(term.slice(i, i + 3));
  return grams;
}
