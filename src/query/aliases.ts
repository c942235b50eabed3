/**
 * How users abbreviate what the archive spells out: `nt4` is "Windows NT 4.0" there, `xl97`
 * "Excel 97", `sp4` "Service Pack 4". A query word made of a short product name and a version is
 * searched as the archive's words for both; the word itself still matches where articles use it.
 * The table is data: add a name here when users type one the archive spells differently.
 */

/** Short product names (as typed, before a version or alone) and the archive's words for them. */
export const PRODUCT_NAMES: Readonly<Record<string, string>> = {
  acc: "access",
  exch: "exchange",
  fp: "frontpage",
  ie: "internet explorer",
  msie: "internet explorer",
  nt: "windows nt",
  winnt: "windows nt",
  o: "office",
  off: "office",
  ppt: "powerpoint",
  sp: "service pack",
  sql: "sql server",
  vb: "visual basic",
  vba: "visual basic for applications",
  vc: "visual c++",
  vfp: "visual foxpro",
  w: "windows",
  win: "windows",
  wd: "word",
  wfw: "windows for workgroups",
  wfwg: "windows for workgroups",
  word: "word",
  xl: "excel",
  iis: "iis",
  sms: "sms",
  fox: "foxpro",
};

/** Whole words users type for the archive's words (not name-plus-version). */
export const WORD_ALIASES: Readonly<Record<string, string>> = {
  bsod: "blue screen stop",
  defrag: "disk defragmenter",
  owa: "outlook web access",
  pdc: "primary domain controller",
  bdc: "backup domain controller",
  ras: "remote access service",
  win9x: "windows 95 windows 98",
  w9x: "windows 95 windows 98",
  xp: "windows xp",
};

/** Names whose number is a count, not a version: `sp4` is "service pack 4". */
const NUMBERED = new Set(["sp"]);

/** `nt4` `w2k` `exch55` `sql7` `o2k` `wfw311`: a short name, then a version. */
const NAME_AND_VERSION = /^([a-z]+?)(\d+k?)$/;

/** The archive's spelling of a version as typed: `4` -> `4.0`, `55` -> `5.5`, `2k` -> `2000`; years stay. */
export function archiveVersion(typed: string): string {
  if (typed.endsWith("k")) return `${typed.slice(0, -1)}000`;
  if (typed.length === 1) return `${typed}.0`;
  if (typed.length === 2) return Number(typed) >= 90 ? typed : `${typed[0]}.${typed[1]}`;
  if (typed.length === 3 && typed[0] !== "0") return `${typed[0]}.${typed.slice(1)}`;
  return typed;
}

/** The archive's words for a word as typed (lower-case), or undefined when it is not an abbreviation. */
export function expandAlias(word: string): string | undefined {
  const whole = WORD_ALIASES[word];
  if (whole) return whole;
  const m = NAME_AND_VERSION.exec(word);
  const name = m ? PRODUCT_NAMES[m[1]!] : undefined;
  if (!name) return undefined;
  const number = m![2]!;
  return `${name} ${NUMBERED.has(m![1]!) ? number : archiveVersion(number)}`;
}
