/** A peer's one-shot search, as a user of it would write one: `node one-shot.js KEY DIR QUERY` opens the index and prints 10 hits. */
import { loadEngine } from "./registry.js";

const [key, dir, ...words] = process.argv.slice(2);
if (!key || !dir || words.length === 0) {
  process.stderr.write("usage: node one-shot.js KEY DIR QUERY...\n");
  process.exit(2);
}
const index = (await loadEngine(key)).open(dir);
const hits = index.search(words.join(" "), 10);
process.stdout.write(hits.map((h, i) => `${i + 1}. ${h.id} ${h.title}${h.snippet ? `\n   ${h.snippet}` : ""}`).join("\n") + "\n");
index.close();
process.exitCode = hits.length ? 0 : 1;
