/** Where an article lives on the archive's website, which serves each article as its own page. */

/** The archive's website: jeffpar/kbarchive published with GitHub Pages. */
export const ARCHIVE_SITE = "https://jeffpar.github.io/kbarchive";

/**
 * The page of article `id` (`Q149387`) on the archive's website, as the archive lays its pages out:
 * kb/ then the number's thousands as three digits, then the id (`kb/149/Q149387/`, `kb/010/Q10022/`).
 */
export function articleUrl(id: string): string {
  const number = Number(id.replace(/^Q/i, ""));
  const folder = String(Math.floor(number / 1000)).padStart(3, "0");
  return `${ARCHIVE_SITE}/kb/${folder}/Q${number}/`;
}
