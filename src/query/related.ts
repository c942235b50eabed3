/**
 * Articles related to one article: those sharing its most telling words (its title and body terms
 * weighed by tf-idf, searched as a query), and those it cites or that cite it by Q-number, which
 * the archive's authors linked on purpose and so rank above mere likeness.
 */
import { analyzeToTokens } from "../analyze/analyzer.js";
import { idf } from "../rank/bm25f.js";
import type { Scorer } from "../rank/scorer.js";
import type { TellingTerm } from "../store/codecs.js";
import type { StoredDoc } from "../store/format.js";
import { DecodedPostings } from "../store/postings.js";
import type { IndexReader, TermEntry } from "../store/index-reader.js";
import type { PlannedGroup, QueryPlan } from "./expand.js";
import type { Ranking } from "./refine.js";
import type { RankedDoc } from "./rank-words.js";

/** The article's words searched for: its most telling ones. */
const RELATED_TERMS = 15;
/** Articles compared on likeness before the links are added. */
const CANDIDATES = 200;
/** A citation either way is worth this share of the best likeness score. */
const LINK_BONUS = 0.5;
/** A word only one article holds cannot relate it to another. */
const MIN_DOC_FREQ = 2;
/** `Q149387` where an article cites another. */
const CITATION = /\bQ(\d{4,7})\b/g;

/** The articles related to document `doc`, best first; `doc` itself is left out. */
export function relatedRanking(reader: IndexReader, scorer: Scorer, doc: number): Ranking {
  const stored = reader.stored(doc);
  const ownTerm = stored.id.toLowerCase();
  const terms = reader.listedTellingTerms(doc) ?? tellingTerms(reader, stored);
  // The article's own id term (whose postings are the articles citing it) is read with the telling
  // terms, its dictionary block and then its list in the same steps: a browser saves two round trips.
  reader.willLookUp([...terms.map((t) => t.term), ownTerm]);
  const plan = tellingPlan(reader, terms);
  const ownEntry = reader.lookup(ownTerm);
  reader.willReadPostings([...plan.groups.map((g) => g.alternatives[0]!.entry), ...(ownEntry ? [ownEntry] : [])]);
  const scores = new Map<number, number>();
  for (const s of scorer.score(plan, CANDIDATES).top) scores.set(s.doc, s.score);
  const best = Math.max(0, ...scores.values());
  const bonus = LINK_BONUS * (best || 1);
  for (const linked of [...cited(reader, stored.text), ...citing(reader, ownEntry)]) {
    scores.set(linked, (scores.get(linked) ?? 0) + bonus);
  }
  scores.delete(doc);
  const ranked: RankedDoc[] = [...scores]
    .map(([d, score]) => ({ doc: d, score, match: "text" as const }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc);
  return {
    ranked,
    total: ranked.length,
    terms: plan.groups.map((g) => g.word.term),
    corrections: [],
    missingArticle: undefined,
    warnings: [],
  };
}

/**
 * A stored article's most telling terms: its title's and body's terms weighed by tf-idf, the
 * RELATED_TERMS weightiest, weightiest first. A static site lists them for every article when it is
 * written (web/site.ts), since working them out looks up every word of the article. `docFreqs`,
 * every term's document frequency, spares those look-ups where every article's are worked out.
 */
export function tellingTerms(reader: IndexReader, stored: StoredDoc, docFreqs?: ReadonlyMap<string, number>): TellingTerm[] {
  const counts = new Map<string, number>();
  for (const token of analyzeToTokens(`${stored.title}\n${stored.text.slice(stored.bodyStart, stored.bodyEnd)}`)) counts.set(token.term, (counts.get(token.term) ?? 0) + 1);
  counts.delete(stored.id.toLowerCase());
  // Every word's dictionary block, said at once: a browser fetches them together, not one a round trip.
  if (!docFreqs) reader.willLookUp(counts.keys());
  const weighed: { term: string; tf: number; weight: number }[] = [];
  for (const [term, tf] of counts) {
    const docFreq = docFreqs ? (docFreqs.get(term) ?? 0) : (reader.lookup(term)?.docFreq ?? 0);
    if (docFreq >= MIN_DOC_FREQ) weighed.push({ term, tf, weight: termWeight(reader, tf, docFreq) });
  }
  weighed.sort((a, b) => b.weight - a.weight);
  return weighed.slice(0, RELATED_TERMS).map(({ term, tf }) => ({ term, tf }));
}

function termWeight(reader: IndexReader, tf: number, docFreq: number): number {
  return Math.log(1 + tf) * idf(reader.docCount, docFreq);
}

/** The telling terms as a query plan weighing each by its share of the weightiest's weight. */
function tellingPlan(reader: IndexReader, terms: readonly TellingTerm[]): QueryPlan {
  const chosen: { entry: TermEntry; weight: number }[] = [];
  for (const { term, tf } of terms) {
    const entry = reader.lookup(term);
    if (entry) chosen.push({ entry, weight: termWeight(reader, tf, entry.docFreq) });
  }
  const top = chosen[0]?.weight ?? 1;
  const groups: PlannedGroup[] = chosen.map(({ entry, weight }, i) => ({
    // Positions two apart: the words are not a phrase, so no title phrase bonus applies.
    word: { surface: entry.term, term: entry.term, plain: false, pos: i * 2, weight: 1, share: 1, aka: [] },
    alternatives: [{ entry, weight: weight / top, kind: "exact" }],
  }));
  return { groups, hints: [], corrections: [], intent: "other" };
}

/** The documents of the archive articles `text` cites. */
function cited(reader: IndexReader, text: string): number[] {
  const docs: number[] = [];
  for (const m of text.matchAll(CITATION)) {
    const doc = reader.docForArticle(Number(m[1]));
    if (doc !== undefined) docs.push(doc);
  }
  return [...new Set(docs)];
}

/** The documents citing the article whose id term's entry (`q149387`) is `ownEntry`. */
function citing(reader: IndexReader, ownEntry: TermEntry | undefined): number[] {
  if (!ownEntry) return [];
  const postings = new DecodedPostings().decode(reader.postings(ownEntry));
  return Array.from(postings.docs.subarray(0, postings.count));
}
