/**
 * `kbsearch open ID`: the article's page on the archive's website, in a browser. The browser is
 * `$BROWSER` when set (a command, given the address as its argument), else the platform's opener:
 * xdg-open, open (macOS) or start (Windows).
 */
import { spawn } from "node:child_process";
import { KbSearchError } from "../../errors.js";
import { articleUrl } from "../../present/links.js";
import { EXIT_FOUND, EXIT_NOTHING_FOUND } from "../exit.js";
import { openIndexForCli, type GlobalOptions } from "../options.js";

export async function runOpen(ref: string, options: GlobalOptions): Promise<number> {
  const index = await openIndexForCli(options);
  let id: string | undefined;
  try {
    id = index.get(ref)?.id;
  } finally {
    index.close();
  }
  if (!id) {
    process.stderr.write(`kbsearch: no article ${ref} in the index\n`);
    return EXIT_NOTHING_FOUND;
  }
  const url = articleUrl(id);
  process.stdout.write(`${url}\n`);
  await openInBrowser(url);
  return EXIT_FOUND;
}

/** The command that opens `url`: $BROWSER's, else the platform's. */
export function openerFor(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { file: string; args: string[]; shell: boolean } {
  const browser = env.BROWSER?.trim();
  if (browser) {
    // $BROWSER may list several commands separated by colons, the first that works wins; %s stands for the address.
    const first = browser.split(":")[0]!;
    return first.includes("%s") ? { file: first.replaceAll("%s", shellQuote(url)), args: [], shell: true } : { file: first, args: [url], shell: /\s/.test(first) };
  }
  if (platform === "darwin") return { file: "open", args: [url], shell: false };
  if (platform === "win32") return { file: "cmd", args: ["/c", "start", '""', url], shell: false };
  return { file: "xdg-open", args: [url], shell: false };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

async function openInBrowser(url: string): Promise<void> {
  const opener = openerFor(url);
  const file = opener.shell && opener.args.length ? [opener.file, ...opener.args.map(shellQuote)].join(" ") : opener.file;
  const args = opener.shell ? [] : opener.args;
  const status = await new Promise<number | string>((resolve) => {
    // Waited for: xdg-open and open return at once, and a browser in the terminal (w3m) needs it to itself meanwhile.
    const child = spawn(file, args, { stdio: "inherit", shell: opener.shell });
    child.on("error", (err) => resolve(err.message));
    child.on("exit", (code) => resolve(code ?? 0));
  });
  if (status !== 0) {
    throw new KbSearchError("usage", `could not open a browser with ${opener.file} (${typeof status === "number" ? `exit ${status}` : status}); the address is ${url}. Set BROWSER to the command that opens one`);
  }
}
