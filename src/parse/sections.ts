/**
 * Finds an article's sections by their headings. Shared by the parser and by searches that look
 * inside a section (`section:symptoms`), which find them again in the stored text rather than
 * store them: the headings are in the text already.
 */
import type { Section } from "./types.js";

/** A heading is a line of text underlined by `=` (or `-`) of about its length. */
export function findSections(text: string, start: number, end: number): Section[] {
  const heading = /^([^\n]*\S)[ \t]*\n[ \t]*(=+|-+)[ \t]*$/gm;
  const sections: Section[] = [];
  let open: Section = { name: "", start, end };
  heading.lastIndex = start;
  for (let m = heading.exec(text); m && m.index < end; m = heading.exec(text)) {
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
