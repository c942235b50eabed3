/** Which parts of an article go into which indexed field (see FIELDS in store/format.ts). */
import type { Article } from "../parse/types.js";
import { FIELD, FIELD_COUNT } from "../store/format.js";

/** Sections that say what the problem is: a match there weighs more than elsewhere in the body. */
const LEAD_SECTIONS = new Set(["SYMPTOMS", "SYMPTOM", "CAUSE", "SUMMARY"]);

/** The text of each field, indexed by FIELD. */
export function fieldTexts(article: Article): string[] {
  const texts = new Array<string>(FIELD_COUNT).fill("");
  texts[FIELD.title] = article.title;
  texts[FIELD.queryWords] = article.queryWords;
  texts[FIELD.meta] = [
    article.tag, ...article.products, ...article.appliesTo, ...article.versions, ...article.operatingSystems,
    ...article.keywords, ...article.technology, ...article.issueType, ...article.solutionType,
  ].join("\n");
  const lead: string[] = [];
  const body: string[] = [];
  for (const section of article.sections) {
    (LEAD_SECTIONS.has(section.name) ? lead : body).push(article.text.slice(section.start, section.end));
  }
  texts[FIELD.lead] = lead.join("\n");
  texts[FIELD.body] = body.join("\n");
  return texts;
}
