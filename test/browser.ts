/** Headless Chromium for the page's tests and benchmark: Debian's chromium, driven by playwright-core. */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Chromium's executable: $CHROMIUM_PATH, else where Debian's package puts it; undefined when none is installed. */
export const chromiumPath: string | undefined = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => Boolean(p && existsSync(p)));

export const NO_CHROMIUM = "no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH): browser tests skipped";

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath!, args: ["--no-sandbox"] });
}
