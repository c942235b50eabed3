import type { Section } from "../text/sections.js";

export type { Section };

/** Everything an article has, as parsed from its Jekyll page. */
export interface Article {
  /** `Q149387`. */
  id: string;
  /** 149387. */
  number: number;
  /** The title without the `Qnnn:` prefix and without its tag. */
  title: string;
  /** The title's tag (`XFOR`, `PRB`, `WD97`), or "" when it has none. */
  tag: string;
  products: string[];
  versions: string[];
  operatingSystems: string[];
  keywords: string[];
  /** Last-modified date as `YYYY-MM-DD`, or "" when the article gives none that parses. */
  modified: string;
  /** The "The information in this article applies to:" list. */
  appliesTo: string[];
  /** Body sections in order; articles without headings have one section named "". */
  sections: Section[];
  /** The "Additional query words:" line's text ("" when absent or empty). */
  queryWords: string;
  /** Footer fields. */
  technology: string[];
  issueType: string[];
  solutionType: string[];
  /** The article as printed inside its `{% raw %}` block, one leading tab removed per line. */
  text: string;
}

/** Why an article could not be parsed: reported with its path, then skipped. */
export class ArticleParseError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "ArticleParseError";
  }
}
