/**
 * Parses one KB article page (Jekyll front matter + `{% raw %}` block) into an Article.
 * Lenient where the archive varies (missing headings, stray header lines), strict only where
 * nothing usable remains: no article number, or no text.
 */
import { findSections } from "../text/sections.js";
import { ArticleParseError, type Article } from "./types.js";
import { ownValue } from "../own.js";

const RAW_OPEN = "{% raw %}";
const RAW_CLOSE = "{% endraw %}";
const MONTHS: Record<string, string> = {
  JAN: "01", FEB: "02", MAR: "03", APR: "04", MAY: "05", JUN: "06",
  JUL: "07", AUG: "08", SEP: "09", OCT: "10", NOV: "11", DEC: "12",
};
/** Title tags are short upper-case codes (`PRB`, `WD97`, `X400`); error codes (`C1001`) and `STOP` are part of the message. */
const TAG = /^([A-Z0-9][A-Z0-9]{1,9}):\s+/;
const NOT_TAG = /^(?:[A-Z]\d{3,}|STOP|ERROR|\d+)$/;

/** Parses `source` (the page's text); `path` names it in errors. */
export function parseArticle(path: string, source: string): Article {
  if (source.trim() === "") throw new ArticleParseError(path, "empty file");
  const page = source.includes("\r") ? source.replace(/\r\n?/g, "\n") : source;

  const rawStart = page.indexOf(RAW_OPEN);
  const rawEnd = rawStart < 0 ? -1 : page.indexOf(RAW_CLOSE, rawStart);
  if (rawStart < 0) throw new ArticleParseError(path, "no {% raw %} block");
  const text = dedent(page.slice(rawStart + RAW_OPEN.length, rawEnd < 0 ? page.length : rawEnd));
  if (text.trim() === "") throw new ArticleParseError(path, "empty {% raw %} block");

  const header = parseHeader(text);
  const frontTitle = frontMatterTitle(page.slice(0, rawStart));
  const number = articleNumber(header.get("article") ?? "") ?? articleNumber(frontTitle) ?? articleNumber(path);
  if (number === undefined) throw new ArticleParseError(path, "no article number (no `Article:` line, title or Qnnn folder)");

  const { tag, title } = splitTitle(frontTitle.replace(/^Q\d+:\s*/, ""));
  const footer = findFooter(text);
  const queryWords = findQueryWords(text, footer.start);
  const bodyEnd = queryWords ? queryWords.start : footer.start;

  return {
    id: `Q${number}`,
    number,
    title,
    tag,
    products: splitList(header.get("product(s)"), /\s*\|\s*/).filter((p) => p !== "See article"),
    versions: splitList(header.get("version(s)"), /\s*\|\s*|\s+/),
    operatingSystems: splitList(header.get("operating system(s)"), /\s*\|\s*/),
    keywords: splitList(header.get("keyword(s)"), /\s*\|\s*|\s+/),
    modified: parseDate(header.get("last modified") ?? ""),
    appliesTo: header.appliesTo,
    sections: findSections(text, header.bodyStart, bodyEnd),
    queryWords: queryWords?.value ?? "",
    technology: splitList(footer.fields.get("technology"), /\s+/),
    issueType: splitList(footer.fields.get("issue type"), /\s+/),
    solutionType: splitList(footer.fields.get("solution type"), /\s+/),
    text,
  };
}

/** Removes the one tab the archive puts before every line of the raw block, and the blank edges. */
function dedent(raw: string): string {
  return raw.replace(/^\t/gm, "").replace(/^\s*\n/, "").trimEnd() + "\n";
}

function frontMatterTitle(head: string): string {
  const fromFront = /^title:\s*"(.*)"\s*$/m.exec(head) ?? /^title:\s*(.*)$/m.exec(head);
  const fromHeading = /^##\s+(.*)$/m.exec(head);
  return decodeEntities((fromFront?.[1] ?? fromHeading?.[1] ?? "").trim());
}

/** The article number a text names as `Qnnn`, if any (also how a folder name gives one). */
export function articleNumber(s: string): number | undefined {
  const m = /\bQ(\d{1,7})\b/.exec(s);
  return m ? Number(m[1]) : undefined;
}

function splitTitle(title: string): { tag: string; title: string } {
  const m = TAG.exec(title);
  if (!m || NOT_TAG.test(m[1]!)) return { tag: "", title };
  return { tag: m[1]!, title: title.slice(m[0].length) };
}

const ENTITIES: Record<string, string> = { quot: '"', amp: "&", lt: "<", gt: ">", apos: "'", nbsp: " " };

export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ownValue(ENTITIES, name.toLowerCase()) ?? whole;
  });
}

interface Header {
  get(field: string): string | undefined;
  appliesTo: string[];
  /** Offset in the text where the body starts (after the header and the applies-to box). */
  bodyStart: number;
}

/** Reads the `Field: value` lines at the top, then the optional `----` box listing what the article applies to. */
function parseHeader(text: string): Header {
  const fields = new Map<string, string>();
  const line = /^([A-Za-z][A-Za-z ()]*?):[ \t]?(.*)$/my;
  let pos = 0;
  // Header lines run until the first blank line after at least one field.
  for (;;) {
    line.lastIndex = pos;
    const m = line.exec(text);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (!fields.has(key)) fields.set(key, m[2]!.trim());
    pos = nextLine(text, pos);
  }
  while (pos < text.length && /^[ \t]*$/.test(lineAt(text, pos))) pos = nextLine(text, pos);

  const appliesTo: string[] = [];
  if (/^-{10,}\s*$/.test(lineAt(text, pos))) {
    const boxEnd = text.indexOf("\n---", pos + 1);
    if (boxEnd > 0) {
      for (const l of text.slice(nextLine(text, pos), boxEnd).split("\n")) {
        const item = /^\s*-\s+(.*\S)/.exec(l);
        if (item) appliesTo.push(item[1]!);
      }
      pos = nextLine(text, boxEnd + 1);
    }
  }
  return { get: (f) => fields.get(f), appliesTo, bodyStart: pos };
}

function lineAt(text: string, pos: number): string {
  const end = text.indexOf("\n", pos);
  return text.slice(pos, end < 0 ? text.length : end);
}

function nextLine(text: string, pos: number): number {
  const end = text.indexOf("\n", pos);
  return end < 0 ? text.length : end + 1;
}

/** The footer is the block after the last long `====` rule that holds `Name : value` lines. */
function findFooter(text: string): { start: number; fields: Map<string, string> } {
  const fields = new Map<string, string>();
  const rule = /^={30,}[ \t]*\n(?=[A-Za-z][A-Za-z ]*?\s+:)/gm;
  let start = text.length;
  for (let m = rule.exec(text); m; m = rule.exec(text)) start = m.index;
  if (start === text.length) return { start, fields };
  for (const l of text.slice(start).split("\n")) {
    const f = /^([A-Za-z][A-Za-z ]*?)\s+:\s*(.*)$/.exec(l);
    if (f && !fields.has(f[1]!.toLowerCase())) fields.set(f[1]!.toLowerCase(), f[2]!.trim());
  }
  return { start, fields };
}

function findQueryWords(text: string, before: number): { start: number; value: string } | undefined {
  const re = /^Additional query words:[ \t]*(.*)$/gm;
  let found: { start: number; value: string } | undefined;
  for (let m = re.exec(text); m && m.index < before; m = re.exec(text)) found = { start: m.index, value: m[1]!.trim() };
  return found;
}

function splitList(value: string | undefined, separator: RegExp): string[] {
  if (!value) return [];
  return value.split(separator).map((s) => s.trim()).filter((s) => s !== "");
}

/** `23-MAR-1999` or `5-JAN-2000` to `1999-03-23`. */
function parseDate(value: string): string {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})/.exec(value.trim());
  const month = m ? ownValue(MONTHS, m[2]!.toUpperCase()) : undefined;
  return m && month ? `${m[3]}-${month}-${m[1]!.padStart(2, "0")}` : "";
}
