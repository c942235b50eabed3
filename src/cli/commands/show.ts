/** `kbsearch show ID`: an article's text as the archive prints it. */
import { EXIT_FOUND, EXIT_NOTHING_FOUND } from "../exit.js";
import { openIndexForCli, type GlobalOptions } from "../options.js";

export async function runShow(ref: string, options: GlobalOptions): Promise<number> {
  const index = await openIndexForCli(options);
  try {
    const doc = index.get(ref);
    if (!doc) {
      process.stderr.write(`kbsearch: no article ${ref} in the index (kbsearch "${ref}" finds the articles citing it)\n`);
      return EXIT_NOTHING_FOUND;
    }
    if (options.json) {
      process.stdout.write(JSON.stringify(doc) + "\n");
    } else {
      const title = doc.tag ? `${doc.tag}: ${doc.title}` : doc.title;
      process.stdout.write(`${doc.id}: ${title}\n\n${doc.text}`);
    }
    return EXIT_FOUND;
  } finally {
    index.close();
  }
}
