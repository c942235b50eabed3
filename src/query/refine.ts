/**
 * The search path of a query with operators, filters, facets or a sort (plain queries take the
 * engine's own path and never load this). Filters become a mask of the documents they let
 * through, read from the docMeta section; each branch of the query (branches.ts) is ranked as a
 * plain query within the mask, the mask narrowed by its phrases and exclusions (answered from the
 * index: phrases.ts); an article ranks by the best branch whose sections its stored text passes.
 * Section checks run best first and stop after TEXT_CHECK_LIMIT
 * articles, which bounds the stored text a query decompresses.
 */
import { normalize } from "../analyze/analyzer.js";
import type { Scorer } from "../rank/scorer.js";
import { DecodedPostings } from "../store/postings.js";
import type { IndexReader } from "../store/index-reader.js";
import { toBranches, type Branch } from "./branches.js";
import { PREFIX_WEIGHT, planQuery, planTerms, type PlannedGroup } from "./expand.js";
import { countFacets } from "./facets.js";
import { filterMask } from "./filters.js";
import { parseQuery } from "./parse.js";
import { rankWords, type RankedDoc, type ScoredBy } from "./rank-words.js";
import { BranchMatches } from "./branch-matches.js";
import { TopK } from "../rank/topk.js";
import { dateRange, type Filter, type QuerySyntax } from "./syntax.js";
import type { Correction, Facets, ParsedQuery, SearchOptions } from "./types.js";
import { phraseDocs } from "./phrases.js";
import { needsText, passesTextChecks, phraseTerms, type PhraseTerms, type TextChecks } from "./verify.js";

/** Articles whose stored text one query may check for sections. */
export const TEXT_CHECK_LIMIT = 1000;
/** Index terms a `word*` stands for, commonest first. */
const PREFIX_TERMS = 16;
/** Dictionary terms looked at for a `word*`: bounds a query's work. */
const PREFIX_SCAN_LIMIT = 4096;

/** A query's matching documents in order, and what the result reports beside them. */
export interface Ranking {
  /** Every matching document, in the order asked for. */
  ranked: RankedDoc[];
  total: number;
  terms: string[];
  corrections: Correction[];
  missingArticle: number | undefined;
  warnings: string[];
  facets?: Facets;
  unfilteredTotal?: number;
  /** What scored a plain query's hits, which `explain` tells their scores by (a refined query's hits each carry their branch's). */
  scoredBy?: ScoredBy;
}

/**
 * Ranks `syntax`'s matches as `options` ask. `wanted` is how many of the first ranked documents
 * the caller shows (0: only the total and facets): without section checks, only those are put in
 * order, however many match; the total counts every match all the same.
 */
export function refinedSearch(reader: IndexReader, scorer: Scorer, syntax: QuerySyntax, options: SearchOptions, wanted = Infinity): Ranking {
  const warnings = [...syntax.warnings];
  const filters = [...syntax.filters, ...optionFilters(options)];
  const mask = filterMask(reader, filters, warnings);
  const sections = filters.flatMap((f) => (f.kind === "field" && f.field === "section" && !f.negated ? [f.value.toLowerCase()] : []));
  if (filters.some((f) => f.kind === "field" && f.field === "section" && f.negated)) warnings.push("-section: is not supported and was ignored");
  // A plain query (facets or a sort asked of it) is searched as typed, one branch, as the plain path
  // searches it: its words rebuilt from the tree would lose what the plain path reads in the text
  // (parentheses and colons in a pasted message, an article number alone).
  const branches: Branch[] = syntax.plain
    ? [{ text: syntax.text, prefixes: [], phrases: [], without: [] }]
    : syntax.tree ? toBranches(syntax.tree, warnings) : [{ text: "", prefixes: [], phrases: [], without: [] }];

  const wordless = branches.every((b) => b.text === "" && b.prefixes.length === 0);
  const sort = wordless && (options.sort ?? "relevance") === "relevance" ? "date" : (options.sort ?? "relevance");
  // Ranked by score and every match passing (no section checks), the first `wanted` are among each
  // branch's own best `wanted`: only those are scored in full, the others only counted. Otherwise
  // every match is scored; section checks may pass over a document's best branch for another, and
  // need every branch's score.
  const byScore = sections.length === 0 && (sort === "relevance" || wanted === 0);
  const counted = byScore ? new Uint8Array(reader.docCount) : undefined;
  const matches = new BranchMatches(reader.docCount, branches.length, sections.length > 0);
  const scoredBy: (ScoredBy | undefined)[] = [];
  const checks: TextChecks[] = [];
  const terms = new Set<string>();
  const corrections: Correction[] = [];
  let missingArticle: number | undefined;
  const listsAll = filters.length > 0 || branches.some((b) => b.without.length > 0);
  const phrases = new PhraseCache(reader);
  branches.forEach((branch, b) => {
    const parsed = parseQuery(branch.text);
    const plan = planQuery(parsed, reader);
    plan.groups.push(...prefixGroups(branch.prefixes, parsed, reader, warnings));
    for (const term of planTerms(plan)) terms.add(term);
    for (const c of plan.corrections) if (!corrections.some((k) => k.from === c.from)) corrections.push(c);
    checks.push({ sections, sectionWords: parsed.words });
    const allowed = branchMask(reader, mask, branch.phrases.map(phraseTerms), branch.without.map(phraseTerms), phrases);
    // An article named by number is a match though none of the query's words is indexed.
    if (plan.groups.length || parsed.articleNumber !== undefined) {
      // Every match with its score, unless by score (the one the query names by number comes back
      // ranked, as the id match, either way).
      const ranking = counted
        ? rankWords(reader, scorer, parsed, plan, wanted, allowed, undefined, counted)
        : rankWords(reader, scorer, parsed, plan, 0, allowed, (doc, score) => matches.add(doc, b, score, "text"));
      missingArticle ??= ranking.missingArticle;
      scoredBy[b] = { plan, namedShare: ranking.namedShare };
      for (const r of ranking.ranked) matches.add(r.doc, b, r.score, r.match, r.verbatim);
    } else if (parsed.words.length === 0 && branch.prefixes.length === 0 && listsAll) {
      // Filters or exclusions alone: every article they let through.
      scoredBy[b] = { plan, namedShare: 1 };
      for (let doc = 0; doc < reader.docCount; doc++) {
        if (allowed && !allowed[doc]) continue;
        matches.add(doc, b, 0, "text");
        if (counted) counted[doc] = 1;
      }
    }
  });

  const order = sortOrder(reader, sort);
  const candidates = matches.ranked(scoredBy);
  let ranked: RankedDoc[];
  /** Every document passing, in no particular order, or when only counted (listed for facets alone), how many. */
  let passed: number[] | number;
  if (sections.length === 0) {
    // Every match passes: only the first `wanted` need their order. A common phrase's tens of
    // thousands of matches are listed only for facets.
    passed = counted ? (options.facets ? docsIn(counted) : countIn(counted)) : candidates.map((r) => r.doc);
    ranked = firstInOrder(candidates, wanted, order);
  } else {
    // The sections are every branch's: each candidate's text is checked, the first TEXT_CHECK_LIMIT in order.
    const checked = firstInOrder(candidates, TEXT_CHECK_LIMIT, order);
    if (candidates.length > TEXT_CHECK_LIMIT) {
      warnings.push(`sections were checked in the first ${TEXT_CHECK_LIMIT} of ${candidates.length} candidate articles; the rest are left out`);
    }
    ranked = checkTexts(reader, checked, (doc) => matches.branchesOf(doc).map((m) => ({ ...m, checks: checks[m.branch]!, scoredBy: scoredBy[m.branch] }))).sort(order);
    passed = ranked.map((r) => r.doc);
  }

  const total = typeof passed === "number" ? passed : passed.length;
  const ranking: Ranking = { ranked, total, terms: [...terms], corrections, missingArticle, warnings };
  if (options.facets && typeof passed !== "number") ranking.facets = countFacets(reader.docMeta(), passed);
  if (total === 0 && filters.length > 0 && syntax.tree) {
    ranking.unfilteredTotal = refinedSearch(reader, scorer, { ...syntax, filters: [] }, { sort: options.sort }, 0).total;
  }
  return ranking;
}

/** The documents whose byte in `marks` is 1, ascending. */
function docsIn(marks: Uint8Array): number[] {
  const docs: number[] = [];
  for (let doc = 0; doc < marks.length; doc++) if (marks[doc]) docs.push(doc);
  return docs;
}

/** How many documents' bytes in `marks` are 1. */
function countIn(marks: Uint8Array): number {
  let count = 0;
  for (let doc = 0; doc < marks.length; doc++) count += marks[doc]!;
  return count;
}

/** The first `count` of `items` in `order`, without putting the rest in order. */
function firstInOrder<T>(items: T[], count: number, order: (a: T, b: T) => number): T[] {
  if (count >= items.length) return items.sort(order);
  const top = new TopK<T>(count, (a, b) => order(a, b) < 0);
  for (const item of items) top.offer(item);
  return top.sorted();
}

/** The filters the options ask for, as the query's own would (the options are checked: search-options.ts). */
function optionFilters(options: SearchOptions): Filter[] {
  const filters: Filter[] = [];
  if (options.product !== undefined) {
    const product = options.product.trim();
    filters.push({ kind: "field", field: "product", value: product, negated: false, label: `product:${product.includes(" ") ? `"${product}"` : product}` });
  }
  const dates = [["year", options.year], ["since", options.since], ["until", options.until]] as const;
  for (const [name, value] of dates) {
    const range = value === undefined ? undefined : dateRange(name, String(value).trim());
    if (range) filters.push({ kind: "date", ...range, negated: false, label: `${name}:${value}` });
  }
  return filters;
}

/**
 * The filters' mask narrowed to the articles one branch's phrases and exclusions allow: those
 * saying every required phrase (a one-word phrase: holding the word), none saying an excluded one.
 */
function branchMask(reader: IndexReader, mask: Uint8Array | undefined, required: PhraseTerms[], excluded: PhraseTerms[], phrases: PhraseCache): Uint8Array | undefined {
  const needed = required.filter((p) => p.length > 0);
  const without = excluded.filter((p) => p.length > 0);
  if (needed.length === 0 && without.length === 0) return mask;
  const allowed: Uint8Array = mask ? mask.slice() : new Uint8Array(reader.docCount).fill(1);
  for (const phrase of without) {
    const says = phrases.docs(phrase, mask);
    for (let doc = 0; doc < allowed.length; doc++) if (says[doc]) allowed[doc] = 0;
  }
  for (const phrase of needed) {
    const says = phrases.docs(phrase, mask);
    for (let doc = 0; doc < allowed.length; doc++) if (!says[doc]) allowed[doc] = 0;
  }
  return allowed;
}

/**
 * The articles (of the filters' mask) saying each phrase a query names, found once however many of
 * its branches name it: `(a OR b) ("c d" OR e)` names "c d" in two. A one-word phrase is its word's postings.
 */
class PhraseCache {
  private readonly found = new Map<string, Uint8Array>();
  private readonly postings = new DecodedPostings();

  constructor(private readonly reader: IndexReader) {}

  /** One byte per document, 1 for those of `mask` (the same mask every time) saying `phrase`. */
  docs(phrase: PhraseTerms, mask: Uint8Array | undefined): Uint8Array {
    const key = phrase.map((p) => `${p.offset}:${p.term}`).join(" ");
    let says = this.found.get(key);
    if (!says) {
      says = phrase.length > 1 ? phraseDocs(this.reader, phrase, mask) : this.holding(phrase[0]!.term, mask);
      this.found.set(key, says);
    }
    return says;
  }

  private holding(term: string, mask: Uint8Array | undefined): Uint8Array {
    const says = new Uint8Array(this.reader.docCount);
    const entry = this.reader.lookup(term);
    if (!entry) return says;
    const { docs, count } = this.postings.decode(this.reader.postings(entry));
    for (let i = 0; i < count; i++) if (!mask || mask[docs[i]!]) says[docs[i]!] = 1;
    return says;
  }
}

/** Groups for `word*`: the commonest index terms starting with the word, and the word's own term. */
function prefixGroups(prefixes: string[], parsed: ParsedQuery, reader: IndexReader, warnings: string[]): PlannedGroup[] {
  let pos = parsed.words.reduce((max, w) => Math.max(max, w.pos), -1);
  const groups: PlannedGroup[] = [];
  for (const typed of prefixes) {
    const prefix = typed.toLowerCase();
    const own = normalize(prefix);
    const entries = reader
      .withPrefix(prefix, PREFIX_SCAN_LIMIT)
      .sort((a, b) => b.docFreq - a.docFreq)
      .slice(0, PREFIX_TERMS);
    const ownEntry = own === undefined ? undefined : reader.lookup(own);
    if (ownEntry && !entries.some((e) => e.term === ownEntry.term)) entries.push(ownEntry);
    if (entries.length === 0) {
      warnings.push(`no indexed word starts with ${typed}`);
      continue;
    }
    groups.push({
      word: { surface: prefix, term: prefix, plain: false, pos: ++pos, weight: 1, share: 1, aka: [] },
      alternatives: entries.map((entry) => ({ entry, weight: entry.term === own ? 1 : PREFIX_WEIGHT, kind: "prefix" as const })),
    });
  }
  return groups;
}

/** A comparator of branch matches for the sort asked for (ties: best score, then the later document, as the scorer ranks them). */
function sortOrder(reader: IndexReader, sort: SearchOptions["sort"]): (a: RankedDoc, b: RankedDoc) => number {
  const byScore = (a: RankedDoc, b: RankedDoc) => (a.match === b.match ? b.score - a.score || b.doc - a.doc : a.match === "id" ? -1 : 1);
  if (sort === "date") {
    const modified = reader.docMeta().modified;
    return (a, b) => modified[b.doc]! - modified[a.doc]! || byScore(a, b);
  }
  if (sort === "id") {
    const numbers = reader.articleNumbers();
    return (a, b) => numbers[a.doc]! - numbers[b.doc]!;
  }
  return byScore;
}

/** A document's match in one branch, and what that branch asks of its text. */
interface BranchMatch {
  score: number;
  match: RankedDoc["match"];
  scoredBy: ScoredBy | undefined;
  checks: TextChecks;
  verbatim?: RankedDoc["verbatim"];
}

/**
 * Each candidate's best branch whose text checks it passes (`found` tells a candidate's branch
 * matches, best first); the texts are read only where a branch's checks need them.
 */
function checkTexts(reader: IndexReader, candidates: RankedDoc[], found: (doc: number) => BranchMatch[]): RankedDoc[] {
  const passed: RankedDoc[] = [];
  const withMatches = candidates.map(({ doc }) => ({ doc, matches: found(doc) }));
  const textual = new Set(withMatches.filter((c) => c.matches.some((m) => needsText(m.checks))).map((c) => c.doc));
  // The texts this step reads, said at once (a browser fetches them together).
  reader.willReadStored([...textual]);
  for (const { doc, matches } of withMatches) {
    const stored = textual.has(doc) ? reader.stored(doc) : undefined;
    const match = matches.find((m) => !stored || passesTextChecks(stored, m.checks));
    if (match) passed.push({ doc, score: match.score, match: match.match, scoredBy: match.scoredBy, ...(match.verbatim && { verbatim: match.verbatim }) });
  }
  return passed;
}
