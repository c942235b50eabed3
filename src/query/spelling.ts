/**
 * Spelling alternatives for a query word: every string one edit away (a letter deleted, inserted,
 * replaced, or two neighbours swapped: Damerau-Levenshtein distance 1). The caller keeps those the
 * index holds, weighted by how common they are, as a noisy-channel speller does.
 */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

/** Words one edit from `word` (lower-case letters), without `word` itself; may repeat. */
export function oneEditAway(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail) out.push(head + tail.slice(1));
    if (tail.length > 1 && tail[0] !== tail[1]) out.push(head + tail[1] + tail[0] + tail.slice(2));
    for (const c of ALPHABET) {
      if (tail && c !== tail[0]) out.push(head + c + tail.slice(1));
      out.push(head + c + tail);
    }
  }
  return out;
}
