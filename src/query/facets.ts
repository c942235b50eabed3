/** Counts matching articles by product, tag and year from the docMeta section, for narrowing a search down. */
import type { DocMetaColumns } from "../store/docmeta.js";
import type { FacetCount, Facets } from "./types.js";

/** Product and tag values listed, commonest first. */
export const FACET_VALUES = 20;

/** `docs` counted by product, tag and year; products and tags the `limit` commonest. */
export function countFacets(meta: DocMetaColumns, docs: Iterable<number>, limit = FACET_VALUES): Facets {
  const products = new Map<string, number>();
  const tags = new Map<string, number>();
  const years = new Map<string, number>();
  const { names, starts, ids } = meta.lists.products;
  for (const doc of docs) {
    for (let i = starts[doc]!; i < starts[doc + 1]!; i++) bump(products, names[ids[i]!]!);
    const tag = meta.tags[meta.tagOf[doc]!]!;
    if (tag) bump(tags, tag);
    const year = meta.years ? meta.years[doc]! : Math.floor(meta.modified[doc]! / 10_000);
    if (year) bump(years, String(year));
  }
  return {
    products: commonest(products, limit),
    tags: commonest(tags, limit),
    years: [...years].map(([value, count]) => ({ value, count })).sort((a, b) => a.value.localeCompare(b.value)),
  };
}

function bump(counts: Map<string, number>, value: string): void {
  counts.set(value, (counts.get(value) ?? 0) + 1);
}

function commonest(counts: Map<string, number>, limit: number): FacetCount[] {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, limit);
}
