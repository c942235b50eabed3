/**
 * The full command line: every command and option, help and usage errors (commander). It only
 * parses and dispatches: each command's code is imported when that command runs, so a search never
 * loads the parser or the indexer. A plain search does not load this file at all (main.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Argument, Command, InvalidArgumentError, Option } from "commander";
import { KbSearchError } from "../errors.js";
import { defaultIndexDir, packageRoot } from "../paths.js";
import { COLOR_CHOICES } from "../present/terminal-style.js";
import { DEFAULT_OPTIONS, wholeNumber } from "./options.js";
import { COMMAND_NAMES } from "./plain-search.js";
import { DEFAULT_CACHE_MB } from "../serve/answer-cache.js";
import { separateQueryText, type KnownOption } from "./query-args.js";

/** The package's version, as package.json gives it. */
export const VERSION = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;

/** The shells `kbsearch completions` writes a script for. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;
/** What `kbsearch list` lists. */
export const LIST_KINDS = ["products", "tags", "years"] as const;

/** The help's text after the options: the query syntax, examples, environment and exit codes (the man page's too). */
export const HELP_AFTER = `Query syntax (one grammar for the CLI and the library):
  words                  ranked: articles holding the most of the rarer words first;
                         misspellings, abbreviations (nt4, sp4) and article links understood
  "a phrase"             the words in this order          -word  -"phrase"   excluded
                         (in a shell, quote the quotes: kbsearch '"could not open the file"')
  a OR b   (a b) OR c    either side                       conf*              any word starting so
  product:exchange  tag:XADM  kw:kbbug  os:winnt  version:4.0  id:Q149387
  section:symptoms       the query's words must stand in that section
  year:1999  modified:1998..1999  before:2000  after:1998   last-modified dates
  A field of unknown name or a broken query is read leniently, with a warning.

Examples:
  kbsearch "heap corruption"              search (builds the sample index on first run)
  kbsearch product:exchange year:1999 MTA Exchange articles of 1999 about the MTA
  kbsearch --facets --sort date servpack  newest first, with counts by product, tag and year
  kbsearch -n 20 --json servpack          20 hits as JSON
  kbsearch Q149387                        an article by number
  kbsearch index ../kb.tar.gz             index the whole archive (a clone, a tarball or its URL);
                                          run again, it reads only new and changed articles
  kbsearch show Q149387                   read an article
  kbsearch related Q149387                articles like it, citing it or cited by it
  kbsearch -i heap                        search as you type (Esc leaves)
  kbsearch list products                  what --product and product: accept, with counts
  kbsearch open Q149387                   the article's page on the archive's website, in a browser
  kbsearch serve --port 8080              the JSON API at http://127.0.0.1:8080/api/search?q=...
  kbsearch site ./site                    a static search site (page + index) for any static host
  source <(kbsearch completions bash)     tab completion (also zsh and fish)

Environment: KBSEARCH_INDEX (the index directory), KBSEARCH_PAGER or PAGER (default less, with
LESS=FRX when LESS is unset), NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, COLUMNS, BROWSER (for open).

The index lives in ${defaultIndexDir()}
(your data folder: $XDG_DATA_HOME/kbsearch, else ~/.local/share/kbsearch; ~/Library/Application
Support/kbsearch on macOS; %LOCALAPPDATA%\\kbsearch on Windows), unless --index DIR or
$KBSEARCH_INDEX names another; kbsearch stats says which it uses.

Exit codes: 0 found, 1 nothing found, 2 usage error, 3 index missing, damaged or from
another version, 4 source unreadable or build failed, 5 another build holds the index.`;

/** The search's options each command takes besides its own (by attribute name). */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  index: ["index", "json"],
  related: ["limit", "offset", "page", "json", "index", "color"],
  show: ["index", "json", "color", "pager"],
  batch: ["limit", "offset", "page", "product", "year", "since", "until", "sort", "index"],
  stats: ["index", "json", "color"],
  list: ["index", "json", "color"],
  open: ["index"],
  interactive: ["index", "product", "year", "since", "until", "sort", "color", "pager"],
  serve: ["index"],
  site: ["index", "json"],
};

function usesOption(command: Command, name: string): boolean {
  return command === program || (COMMAND_OPTIONS[command.name()] ?? []).includes(name);
}

/** The options of `command` and the program, after a usage error for any given that the command does not use. */
function optionsFor<T>(command: Command): T {
  for (const option of program.options) {
    const name = option.attributeName();
    if (program.getOptionValueSource(name) === "cli" && !usesOption(command, name)) {
      throw new KbSearchError("usage", `${option.long} does not apply to kbsearch ${command.name()} (kbsearch ${command.name()} --help lists what does)`);
    }
  }
  return command.optsWithGlobals() as T;
}

function count(value: string): number {
  const n = wholeNumber(value);
  if (n === undefined) throw new InvalidArgumentError("expected a whole number of 0 or more");
  return n;
}

function port(value: string): number {
  const n = wholeNumber(value);
  if (n === undefined || n > 65535) throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return n;
}

function workerCount(value: string): number {
  const n = wholeNumber(value);
  if (n === undefined || n < 1 || n > 64) throw new InvalidArgumentError("expected a number of processes from 1 to 64");
  return n;
}

function cacheMegabytes(value: string): number {
  const n = wholeNumber(value);
  if (n === undefined || n > 4096) throw new InvalidArgumentError("expected megabytes from 0 (keep none) to 4096");
  return n;
}

export const program: Command = new Command("kbsearch")
  .description("Search the Microsoft Knowledge Base archive (about 60,000 articles, 1988-2002).")
  .usage("[options] QUERY...   |   kbsearch <command> [args]")
  .argument("[query...]", "words to search for; an article number (Q149387, kb 149387) puts that article first")
  .option("-n, --limit <n>", "how many hits to show", count, DEFAULT_OPTIONS.limit)
  .option("--offset <n>", "skip this many hits first (paging)", count, DEFAULT_OPTIONS.offset)
  .option("--page <n>", "show page N (from 1) of -n hits each, instead of --offset", count)
  .option("--product <name>", "only articles about this product (as product:NAME)")
  .option("--year <year>", "only articles last modified in this year or range (1999, 1998..1999)")
  .option("--since <date>", "only articles modified on or after this date (1999, 1999-03, 1999-03-23)")
  .option("--until <date>", "only articles modified on or before this date")
  .addOption(new Option("--sort <order>", "order of the hits").choices(["relevance", "date", "id"]).default(DEFAULT_OPTIONS.sort))
  .option("--facets", "also count the matching articles by product, tag and year")
  .option("--json", "print the result as one JSON object (schema in the README)")
  .option("--explain", "show under each hit how its score was made: term, field, occurrences, points")
  .option("--index <dir>", `the index directory (default: $KBSEARCH_INDEX, else your data folder: ${defaultIndexDir()})`)
  .option("-i, --interactive", "search as you type, in a full-screen view (the query words start it)")
  .addOption(new Option("--color <when>", "when to colour the output: auto colours a terminal unless NO_COLOR is set, and any output when FORCE_COLOR or CLICOLOR_FORCE is").choices(COLOR_CHOICES).default("auto"))
  .option("--no-pager", "print an article straight out, never through $PAGER")
  .version(VERSION, "-V, --version", "print the version")
  .helpOption("-h, --help", "show this help")
  .showHelpAfterError("(run kbsearch --help for usage)")
  // The options above that a command uses are listed in its help, and only those are accepted.
  .configureHelp({ showGlobalOptions: true, visibleGlobalOptions: (command): Option[] => program.options.filter((o: Option) => usesOption(command, o.attributeName())) })
  .configureOutput({ outputError: (message, write) => write(`kbsearch: ${message.replace(/^error: /, "")}`) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  })
  .addHelpText("after", `\n${HELP_AFTER}`)
  .action(async (words: string[], options) => {
    // No query and no filter to list by: how to use the command is the answer. (A query given
    // blank, `kbsearch ""`, is a query: it matches nothing.)
    const filtered = ["product", "year", "since", "until"].some((name) => options[name] !== undefined);
    if (words.length === 0 && !filtered && !options.interactive) program.help({ error: true });
    // The empty argument separateQueryText puts before the query text is no part of it.
    const query = (words[0] === "" ? words.slice(1) : words).join(" ");
    if (options.interactive) {
      const { runInteractive } = await import("./commands/interactive.js");
      process.exitCode = await runInteractive(query, options);
      return;
    }
    const { runSearch } = await import("./commands/search.js");
    process.exitCode = await runSearch(query, options);
  });

program
  .command("interactive")
  .description("search as you type: hits update with each key; arrows move, Enter reads, Tab shows facets, Esc leaves")
  .argument("[query...]", "words to start with")
  .action(async (words: string[], _options, command: Command) => {
    const { runInteractive } = await import("./commands/interactive.js");
    process.exitCode = await runInteractive(words.join(" "), optionsFor(command));
  });

program
  .command("index")
  .description("build the index from a kbarchive folder, a .tar.gz of it, or its http(s) URL (default: the bundled sample corpus); over an index already there, read only the articles new or changed since")
  .argument("[source]", "kbarchive checkout or its kb/ folder, kb.tar.gz, or https://github.com/jeffpar/kbarchive/archive/refs/heads/master.tar.gz")
  .option("--full", "build afresh, reading every article, even when the index there could be updated")
  .option("--replace", "let the update replace an index built from another source (or a damaged one that no longer says which), or remove most of its articles")
  .action(async (source: string | undefined, _options, command: Command) => {
    const { runIndex } = await import("./commands/index.js");
    process.exitCode = await runIndex(source, optionsFor(command));
  });

program
  .command("related")
  .description("articles like an article: sharing its most telling words, citing it or cited by it")
  .argument("<id>", "article number: Q149387, 149387 or KB149387")
  .action(async (id: string, _options, command: Command) => {
    const { runRelated } = await import("./commands/search.js");
    process.exitCode = await runRelated(id, optionsFor(command));
  });

program
  .command("show")
  .description("print an article's text (through $PAGER on a terminal)")
  .argument("<id>", "article number: Q149387, 149387 or KB149387")
  .option("--query <query>", "highlight the words this query searches for")
  .action(async (id: string, _options, command: Command) => {
    const { runShow } = await import("./commands/show.js");
    process.exitCode = await runShow(id, optionsFor(command));
  });

program
  .command("batch")
  .description('run queries from JSON lines {"qid", "query"} (FILE or - for stdin), print {"qid", "ranked", "took_ms"} lines')
  .argument("<file>", "JSON lines file, or - for standard input")
  .action(async (file: string, _options, command: Command) => {
    const { runBatch } = await import("./commands/batch.js");
    process.exitCode = await runBatch(file, optionsFor(command));
  });

program
  .command("serve")
  .description("answer searches over HTTP: a JSON API (/api/search, /api/articles/ID, /api/related/ID, /api/suggest, /api/stats) until SIGTERM")
  .option("--port <n>", "the port to listen on (0 picks a free one)", port, 8080)
  .option("--host <address>", "the address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
  .option("--no-suggest", "leave out title suggestions (/api/suggest), which take seconds to build and about 130 MB")
  .option("--workers <n>", "server processes sharing the port, for more than one core's worth of searches", workerCount, 1)
  .option("--cache-mb <n>", "megabytes of answers each process keeps to send again when asked again (0 keeps none)", cacheMegabytes, DEFAULT_CACHE_MB)
  .action(async (_options, command: Command) => {
    const { runServe } = await import("./commands/serve.js");
    process.exitCode = await runServe(optionsFor(command));
  });

program
  .command("site")
  .description("write a static search site into DIR: the search page and the index as files any static host serves")
  .argument("<dir>", "the folder to write (made if missing; a site there is replaced)")
  .addOption(
    new Option("--layout <layout>", "ranges: a few large files read by HTTP range requests; pieces: small files fetched whole, for hosts without range requests")
      .choices(["ranges", "pieces"])
      .default("ranges"),
  )
  .option("--articles <url>", "where hits link to: the archive's article pages (BASE/149/Q149387/)", "https://jeffpar.github.io/kbarchive/kb/")
  .action(async (dir: string, _options, command: Command) => {
    const { runSite } = await import("./commands/site.js");
    process.exitCode = await runSite(dir, optionsFor(command));
  });

program
  .command("stats")
  .description("what the index holds: articles, terms, size, source, format")
  .option("--verify", "also read the whole index and check every checksum (exit 3 if damaged)")
  .action(async (_options, command: Command) => {
    const { runStats } = await import("./commands/stats.js");
    process.exitCode = await runStats(optionsFor(command));
  });

program
  .command("list")
  .description("the products, tags or years the index holds, with how many articles each: what --product, product:, tag: and --year accept")
  .addArgument(new Argument("<what>", "what to list").choices(LIST_KINDS))
  .action(async (what: (typeof LIST_KINDS)[number], _options, command: Command) => {
    const { runList } = await import("./commands/list.js");
    process.exitCode = await runList(what, optionsFor(command));
  });

program
  .command("open")
  .description("open an article's page on the archive's website in a browser ($BROWSER, else xdg-open, open or start)")
  .argument("<id>", "article number: Q149387, 149387 or KB149387")
  .action(async (id: string, _options, command: Command) => {
    const { runOpen } = await import("./commands/open.js");
    process.exitCode = await runOpen(id, optionsFor(command));
  });

program
  .command("completions")
  .description("print a tab-completion script for a shell (bash: source <(kbsearch completions bash))")
  .addArgument(new Argument("<shell>", "the shell").choices(COMPLETION_SHELLS))
  .action(async (shell: (typeof COMPLETION_SHELLS)[number]) => {
    const { completionScript } = await import("./completions.js");
    process.stdout.write(completionScript(shell, program));
  });

/** Runs the command line `args` (the arguments after the script), its query text told from its options. */
export async function runCommandLine(args: readonly string[]): Promise<void> {
  const known: KnownOption[] = [
    ...program.options.map((o) => ({ short: o.short, long: o.long, takesValue: o.required || o.optional })),
    { short: "-h", long: "--help", takesValue: false },
  ];
  await program.parseAsync(separateQueryText(args, known, COMMAND_NAMES), { from: "user" });
}
