/**
 * Styled text for a terminal: SGR colour codes, the width a string takes on screen, and word
 * wrapping that never lets a colour run across a line break (each line closes what it opened and
 * the next reopens it), so a pager, a `grep` of the output or a cut line never bleeds colour.
 */

const ESC = "\x1b[";
const RESET = `${ESC}0m`;
/** One SGR sequence (`ESC [ 1;33 m`). */
const SGR = /\x1b\[[0-9;]*m/g;

/** `s` in the SGR style `code` (`"1;33"` bold yellow), or plain when `on` is false. */
export function paint(on: boolean, code: string, s: string): string {
  if (!on || s === "") return s;
  // A painted text holding line breaks is closed before each and reopened after.
  return s
    .split("\n")
    .map((line) => (line ? `${ESC}${code}m${line}${RESET}` : line))
    .join("\n");
}

/** `s` without its SGR codes. */
export function stripAnsi(s: string): string {
  return s.replace(SGR, "");
}

/** How many columns `s` takes: its characters, SGR codes taking none, wide (CJK) characters two. */
export function visibleWidth(s: string): number {
  let width = 0;
  for (const ch of stripAnsi(s)) width += charWidth(ch.codePointAt(0)!);
  return width;
}

/** Columns one code point takes: 0 for combining marks and controls, 2 for East Asian wide ones. */
function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp >= 0x300 && cp <= 0x36f) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** A piece of styled text: one SGR code, or a run of visible characters. */
type Piece = { code: string } | { text: string };

function pieces(s: string): Piece[] {
  const out: Piece[] = [];
  let pos = 0;
  for (const m of s.matchAll(SGR)) {
    if (m.index! > pos) out.push({ text: s.slice(pos, m.index) });
    out.push({ code: m[0] });
    pos = m.index! + m[0].length;
  }
  if (pos < s.length) out.push({ text: s.slice(pos) });
  return out;
}

/** The SGR codes in force after `codes` (a reset clears them). */
function activeAfter(active: string[], code: string): string[] {
  return code === RESET || code === `${ESC}m` ? [] : [...active, code];
}

export interface WrapOptions {
  /** Put before the first line (counted in `width`). */
  firstIndent?: string;
  /** Put before every later line (counted in `width`). */
  indent?: string;
}

/**
 * Wraps styled `text` into lines of at most `width` columns, breaking at spaces; a word longer
 * than a whole line is broken where the line ends. Every line closes the colours still open at
 * its end and the next line reopens them. Existing line breaks are kept.
 */
export function wrapStyled(text: string, width: number, options: WrapOptions = {}): string[] {
  const firstIndent = options.firstIndent ?? "";
  const indent = options.indent ?? "";
  const lines: string[] = [];
  let active: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = (lines.length ? indent : firstIndent) + active.join("");
    let used = visibleWidth(lines.length ? indent : firstIndent);
    let lineStart = used;
    const limit = () => Math.max(1, width);
    const breakLine = () => {
      lines.push(line + (active.length ? RESET : ""));
      line = indent + active.join("");
      used = visibleWidth(indent);
      lineStart = used;
    };
    // Words with the spaces and codes around them: a word is split only when it alone overflows.
    const tokens = tokenize(paragraph);
    let pendingSpace = "";
    let paragraphStart = true;
    for (const token of tokens) {
      if (token.kind === "space") {
        pendingSpace += token.text;
        continue;
      }
      const w = visibleWidth(token.text);
      if (w === 0) {
        // Codes alone (a colour starting before a space): they take no room and move no word.
        for (const piece of pieces(token.text)) if ("code" in piece) active = activeAfter(active, piece.code);
        line += token.text;
        continue;
      }
      if (paragraphStart && pendingSpace) {
        // Leading spaces are part of the layout (a right-aligned rank): kept, never dropped.
        line += pendingSpace;
        used += pendingSpace.length;
        lineStart = used;
        pendingSpace = "";
      }
      paragraphStart = false;
      if (used > lineStart && used + pendingSpace.length + w > limit()) {
        breakLine();
        pendingSpace = "";
      }
      if (used > lineStart) {
        line += pendingSpace;
        used += pendingSpace.length;
      }
      pendingSpace = "";
      for (const piece of pieces(token.text)) {
        if ("code" in piece) {
          line += piece.code;
          active = activeAfter(active, piece.code);
          continue;
        }
        for (const ch of piece.text) {
          const cw = charWidth(ch.codePointAt(0)!);
          if (used + cw > limit() && used > lineStart) breakLine();
          line += ch;
          used += cw;
        }
      }
    }
    lines.push(line + (active.length ? RESET : ""));
  }
  return lines;
}

/** `text` split into runs of spaces and runs of anything else (SGR codes stay inside words). */
function tokenize(text: string): { kind: "space" | "word"; text: string }[] {
  const out: { kind: "space" | "word"; text: string }[] = [];
  for (const m of text.matchAll(/( +)|([^ ]+)/g)) out.push({ kind: m[1] ? "space" : "word", text: m[0] });
  return out;
}

/** Cuts styled `s` to at most `width` columns (no ellipsis), closing any colour it leaves open. */
export function truncateStyled(s: string, width: number): string {
  let out = "";
  let used = 0;
  let open = false;
  for (const piece of pieces(s)) {
    if ("code" in piece) {
      out += piece.code;
      open = !(piece.code === RESET || piece.code === `${ESC}m`);
      continue;
    }
    for (const ch of piece.text) {
      const cw = charWidth(ch.codePointAt(0)!);
      if (used + cw > width) return out + (open ? RESET : "");
      out += ch;
      used += cw;
    }
  }
  return out + (open ? RESET : "");
}
