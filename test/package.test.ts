/**
 * What a newcomer's `npm ci` installs: what kbsearch and its tests use, no package only the
 * benchmarks need, and every install script npm runs approved in package.json.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./helpers.js";

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
}
const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as PackageJson;
const lock = JSON.parse(readFileSync(join(projectRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { hasInstallScript?: boolean }> };

/** The source files under `dir` (relative to the project), recursively. */
function sources(dir: string): string[] {
  return readdirSync(join(projectRoot, dir), { recursive: true }).map(String).filter((f) => f.endsWith(".ts")).map((f) => join(projectRoot, dir, f));
}

test("every runtime dependency is imported by shipped code (src/)", () => {
  const shipped = sources("src").map((f) => readFileSync(f, "utf8")).join("\n");
  for (const name of Object.keys(pkg.dependencies)) {
    assert.match(shipped, new RegExp(`from "${name}(/[^"]*)?"`), `${name} is a dependency nothing in src/ imports`);
  }
});

test("better-sqlite3, which compiles SQLite, is not installed by npm ci: the benchmarks install it when they run", () => {
  assert.equal(pkg.dependencies["better-sqlite3"], undefined);
  assert.equal(pkg.devDependencies["better-sqlite3"], undefined);
  assert.equal(lock.packages["node_modules/better-sqlite3"], undefined, "package-lock.json still installs better-sqlite3");
  const installer = readFileSync(join(projectRoot, "bench", "peers", "install.ts"), "utf8");
  assert.match(installer, /"better-sqlite3": "\d+\.\d+\.\d+"/);
});

test("every package npm ci would run an install script of is approved in allowScripts", () => {
  const scripted = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== "" && entry.hasInstallScript)
    .map(([path]) => path.replace(/^.*node_modules\//, ""));
  assert.ok(scripted.length > 0);
  for (const name of scripted) assert.equal(pkg.allowScripts[name], true, `${name} has an install script allowScripts does not cover`);
});
