/**
 * Finds an article's sections by their headings. Shared by the parser and by searches that look
 * inside a section (`section:symptoms`), which find them again in the stored text rather than
 * store them: the headings are in the text already. It lies below both (src/text), so that a
 * search, in Node or in a browser, loads nothing of the parse stage.
 */

/** A named part of an article's body: a range of its text. */
export interface Section {
  /** Upper-case heading as printed (`SYMPTOMS`, `MORE INFORMATION`); "" for text before any heading. */
  name: string;
  /** Start and end offsets of the section's text (heading excluded) in the article's text. */
  start: number;
  end: number;
}

/** A heading is a line of text underlined by `=` (or `-`) of about its length. */
const HEADING = /^([^\n]*\S)[ \t]*\n[ \t]*(=+|-+)[ \t]*$/my;
/** HEADING anywhere ahead, for lines holding other line breaks (`\r`, U+2028), where `^` can match inside. */
const HEADING_AHEAD = new RegExp(HEADING.source, "gm");
/** Where an underline can start: every heading has one, and few lines look like one. */
const UNDERLINE_START = /\n[ \t]*[=-]/g;
const OTHER_LINE_BREAK = /[\r\u2028\u2029]/;

export function findSections(text: string, start: number, end: number): Section[] {
  const sections: Section[] = [];
  let open: Section = { name: "", start, end };
  for (let m = nextHeading(text, start); m && m.index < end; m = nextHeading(text, m.index + m[0].length)) {
    const name = m[1]!.trim();
    const underline = m[2]!;
    if (Math.abs(underline.length - name.length) > 2 || !/[A-Za-z]/.test(name)) continue;
    // `-` underlines are sub-headings inside a section; only `=` starts a new one.
    if (underline[0] !== "=") continue;
    open.end = m.index;
    if (open.name !== "" || text.slice(open.start, open.end).trim() !== "") sections.push(open);
    open = { name: name.toUpperCase(), start: m.index + m[0].length + 1, end };
  }
  open.end = Math.max(open.start, end);
  sections.push(open);
  return sections;
}

/**
 * The first heading starting at or after `from`: what HEADING_AHEAD would find from there, but
 * tried only on the lines before an underline, since matching it at every line costs a parse dearly.
 */
function nextHeading(text: string, from: number): RegExpExecArray | null {
  UNDERLINE_START.lastIndex = from;
  for (let u = UNDERLINE_START.exec(text); u; u = UNDERLINE_START.exec(text)) {
    // A heading ending at this underline starts on the line before it (at `from` at the earliest).
    const lineStart = Math.max(from, text.lastIndexOf("\n", u.index - 1) + 1);
    if (OTHER_LINE_BREAK.test(text.slice(lineStart, u.index))) {
      HEADING_AHEAD.lastIndex = lineStart;
      return HEADING_AHEAD.exec(text);
    }
    HEADING.lastIndex = lineStart;
    const m = HEADING.exec(text);
    if (m) return m;
  }
  return null;
}
