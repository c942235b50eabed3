/**
 * Words that carry little when people describe a problem or ask a question: "how do i", "my pc
 * keeps", "can i", "every time". They still match (an error message may hold them), at a fraction
 * of a content word's weight, so the rest of the sentence decides.
 */
const CHATTER = new Set([
  "i", "im", "ive", "me", "my", "mine", "we", "our", "us", "you", "your", "he", "she", "his", "her",
  "how", "what", "why", "when", "where", "which", "who", "whenever",
  "can", "could", "would", "should", "do", "does", "did", "doing", "done", "have", "has", "had", "having",
  "get", "gets", "got", "getting", "keep", "keeps", "kept", "keeping", "want", "wants", "need", "needs",
  "try", "tried", "trying", "just", "now", "even", "though", "still", "again", "also", "really", "very",
  "anything", "something", "nothing", "everything", "any", "some", "all", "every", "always", "never",
  "wont", "dont", "doesnt", "didnt", "cant", "isnt", "arent", "wasnt", "couldnt", "shouldnt", "wouldnt",
  "please", "help", "thanks", "since", "after", "before", "then", "so", "too", "suddenly", "anymore",
  "about", "from", "up", "out", "over", "back", "way", "thing", "things", "stuff", "someone", "guy",
]);

/**
 * Chatter only a person telling their own problem uses: first person, contractions typed without
 * the apostrophe, "keeps", "suddenly". Error messages and the archive's titles say "you", "some",
 * "cannot"; these they do not.
 */
const USER_VOICE = new Set([
  "i", "im", "ive", "me", "my", "mine", "we", "our", "us",
  "wont", "dont", "doesnt", "didnt", "cant", "isnt", "arent", "wasnt", "couldnt",
  "keep", "keeps", "kept", "keeping", "suddenly", "anymore", "never",
]);


export function isChatter(word: string): boolean {
  return CHATTER.has(word);
}

/** Whether a word marks a person telling their own problem (see USER_VOICE). */
export function isUserVoice(word: string): boolean {
  return USER_VOICE.has(word);
}
