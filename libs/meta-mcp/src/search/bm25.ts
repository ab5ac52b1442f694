/**
 * A small multi-field BM25 index over numbered documents, built for many searches between rare catalog changes:
 * each term's per-document weight (field boosts, idf, length normalisation) is computed once after a change, so a
 * query is one pass over the postings of its terms into preallocated score arrays. Terms are interned to numbers
 * and postings kept in flat arrays, so that recomputation takes about a millisecond for a 500-tool catalog.
 */

export interface Bm25Params {
  /** Term-frequency saturation. */
  k: number;
  /** Length normalisation. */
  b: number;
  /** BM25+ floor added to every match, so a long field still counts a match (Lv & Zhai 2011); 0 is plain BM25. */
  d: number;
}

/** Scores of one query, indexed by document number; `touched` lists the documents with a match. */
export interface Scores {
  score: Float64Array;
  /** Distinct query terms each document matched. */
  matched: Uint16Array;
  touched: number[];
}

interface Field {
  terms: Int32Array;
  tf: Uint16Array;
}

interface Doc {
  fields: Field[];
  /** Distinct terms over all fields. */
  terms: Int32Array;
}

/** Postings of every term: documents and weights of term t at [start[t], start[t + 1]). */
interface Compiled {
  start: Int32Array;
  docs: Int32Array;
  weights: Float32Array;
}

export class Bm25Index {
  private readonly docs = new Map<number, Doc>();
  /** Term -> number. It only grows: the vocabulary of tool catalogs is small and repeats across refreshes. */
  private readonly termIds = new Map<string, number>();
  private compiled: Compiled | undefined;
  private readonly scores: Scores = { score: new Float64Array(0), matched: new Uint16Array(0), touched: [] };

  constructor(
    private readonly boosts: number[],
    private readonly params: Bm25Params,
  ) {}

  /** `fields[i]` holds the analysed terms of field i (weighted by boosts[i]). Replaces any document `doc`. */
  set(doc: number, fields: string[][]): void {
    const all = new Set<number>();
    const parsed = fields.map((words, f) => {
      const counts = new Map<number, number>();
      for (const w of words) {
        let id = this.termIds.get(w);
        if (id === undefined) this.termIds.set(w, (id = this.termIds.size));
        counts.set(id, (counts.get(id) ?? 0) + 1);
        if (this.boosts[f] > 0) all.add(id);
      }
      return {
        terms: Int32Array.from(counts.keys()),
        tf: Uint16Array.from(counts.values(), (c) => Math.min(c, 65535)),
      };
    });
    this.docs.set(doc, { fields: parsed, terms: Int32Array.from(all) });
    this.compiled = undefined;
  }

  delete(doc: number): void {
    if (this.docs.delete(doc)) this.compiled = undefined;
  }

  /**
   * Sum over query terms of weight x BM25 (per-field idf and length, like MiniSearch), for every document that
   * matches a term. The returned arrays are reused by the next call.
   */
  search(terms: Map<string, number>): Scores {
    const { start, docs, weights } = this.compile();
    const s = this.scores;
    for (const d of s.touched) {
      s.score[d] = 0;
      s.matched[d] = 0;
    }
    s.touched.length = 0;
    for (const [term, weight] of terms) {
      const t = this.termIds.get(term);
      if (t === undefined || weight === 0) continue;
      for (let i = start[t]; i < start[t + 1]; i++) {
        const d = docs[i];
        if (s.matched[d] === 0) s.touched.push(d);
        s.score[d] += weight * weights[i];
        s.matched[d]++;
      }
    }
    return s;
  }

  private compile(): Compiled {
    if (this.compiled) return this.compiled;
    const { k, b, d } = this.params;
    const vocab = this.termIds.size;
    const n = this.docs.size;
    const nFields = this.boosts.length;
    // Per field: document frequency of each term, then its idf; and the average field length.
    const idf = Array.from({ length: nFields }, () => new Float64Array(vocab));
    const avg = new Float64Array(nFields);
    const start = new Int32Array(vocab + 1);
    let maxDoc = -1;
    for (const [id, doc] of this.docs) {
      maxDoc = Math.max(maxDoc, id);
      for (let f = 0; f < nFields; f++) {
        const { terms } = doc.fields[f];
        avg[f] += terms.length / n;
        for (let i = 0; i < terms.length; i++) idf[f][terms[i]]++;
      }
      for (let i = 0; i < doc.terms.length; i++) start[doc.terms[i] + 1]++;
    }
    for (let f = 0; f < nFields; f++) {
      for (let t = 0; t < vocab; t++) idf[f][t] = Math.log(1 + (n - idf[f][t] + 0.5) / (idf[f][t] + 0.5));
    }
    for (let t = 0; t < vocab; t++) start[t + 1] += start[t];
    const docs = new Int32Array(start[vocab]);
    const weights = new Float32Array(start[vocab]);
    const fill = start.slice(0, vocab);
    const sum = new Float64Array(vocab);
    for (const [id, doc] of this.docs) {
      for (let f = 0; f < nFields; f++) {
        if (this.boosts[f] <= 0) continue;
        const { terms, tf } = doc.fields[f];
        // BM25 length normalisation uses the field's distinct terms, as MiniSearch does.
        const norm = k * (1 - b + (b * terms.length) / (avg[f] || 1));
        for (let i = 0; i < terms.length; i++) {
          sum[terms[i]] += this.boosts[f] * idf[f][terms[i]] * (d + (tf[i] * (k + 1)) / (tf[i] + norm));
        }
      }
      for (const t of doc.terms) {
        docs[fill[t]] = id;
        weights[fill[t]++] = sum[t];
        sum[t] = 0;
      }
    }
    if (this.scores.score.length <= maxDoc) {
      const size = Math.max(64, 2 * (maxDoc + 1));
      this.scores.score = new Float64Array(size);
      this.scores.matched = new Uint16Array(size);
      this.scores.touched.length = 0;
    }
    this.compiled = { start, docs, weights };
    return this.compiled;
  }
}
