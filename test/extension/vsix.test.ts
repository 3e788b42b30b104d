// The packaged extension holds exactly what .vscodeignore allows: the bundles, the files
// package.json names (the walkthrough's pages among them), its texts and the l10n bundle, the
// example Open Example copies, and esbuild's entry and native binary (which cannot be bundled).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "../helpers";
import { zipEntryNames } from "./zip-entries";

const scratch = mkdtempSync(join(tmpdir(), "stepgraph-vsix-"));
const vsixPath = join(scratch, "stepgraph.vsix");
let entries: string[] = [];

/** The files of a folder of the repository, as paths from the repository's root. */
function repoFiles(folder: string): string[] {
  return readdirSync(join(repoRoot, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !join(entry.parentPath, entry.name).includes(".stepgraph"))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

/** The extension's files, without the "extension/" folder the .vsix keeps them in. */
function extensionFiles(): string[] {
  return entries.filter((name) => name.startsWith("extension/")).map((name) => name.slice("extension/".length));
}

describe("the .vsix", () => {
  before(() => {
    // The same packaging as `npm run package`, from the dist/ the suite's build made.
    const result = spawnSync(process.execPath, ["package-vsix.mjs", vsixPath], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    entries = zipEntryNames(vsixPath);
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("holds the manifest files and nothing outside extension/", () => {
    assert.deepEqual(entries.filter((name) => !name.startsWith("extension/")).sort(), ["[Content_Types].xml", "extension.vsixmanifest"]);
  });

  test("holds exactly the allowed files", () => {
    const platformBinary = /^node_modules\/@esbuild\/[a-z0-9-]+\/(package\.json|bin\/esbuild|esbuild\.exe)$/;
    const expected = [
      "package.json",
      // The English texts of package.json and of the extension's messages (vscode.l10n).
      "package.nls.json",
      "l10n/bundle.l10n.json",
      "readme.md",
      "LICENSE.txt",
      "language-configuration.json",
      "syntaxes/stepgraph.tmLanguage.json",
      "dist/extension.js",
      "dist/debug-adapter.js",
      "dist/language-server.js",
      "dist/node-host.js",
      // The worker's lease keeper thread, next to the CLI that Start Local Workers runs.
      "dist/lease-keeper.js",
      "dist/cli.js",
      "dist/cli-main.js",
      "dist/worker-main.js",
      // The TypeScript compiler, once: the CLI, the debug adapter and the language server require it.
      "dist/typescript.js",
      "dist/typescript.LICENSE.txt",
      "dist/typescript.ThirdPartyNoticeText.txt",
      // elkjs, once: the CLI requires it at run time and the graph view loads it.
      "dist/elk.bundled.js",
      "dist/elk.LICENSE.md",
      // The graph view's page and its style sheet.
      "dist/webview.js",
      "media/graph-view.css",
      "dist/lib.es5.d.ts",
      "dist/lib.es2015.collection.d.ts",
      "node_modules/esbuild/package.json",
      "node_modules/esbuild/lib/main.js",
      "node_modules/esbuild/LICENSE.md",
      // The walkthrough's pages, and the whole orders example for Open Example to copy.
      ...repoFiles("walkthrough"),
      ...repoFiles("examples/orders"),
    ];
    const files = extensionFiles();
    assert.deepEqual(files.filter((name) => !platformBinary.test(name)).sort(), expected.sort());
    const binaries = files.filter((name) => platformBinary.test(name));
    assert.equal(binaries.length, 2, `one platform package (its package.json and binary): ${binaries.join(", ")}`);
  });

  test("ships no sources, tests, source maps or other packages", () => {
    for (const name of extensionFiles()) {
      assert.doesNotMatch(name, /^(src|test|out|bench|debug-adapter|docs)\//, name);
      // Of the examples, only orders: the walkthrough's, its node modules included.
      assert.ok(!name.startsWith("examples/") || name.startsWith("examples/orders/"), name);
      const typescriptLibFile = /^dist\/lib\.[a-z0-9.]+\.d\.ts$/.test(name);
      const exampleNodeModule = /^examples\/orders\/nodes\/[a-z-]+\.ts$/.test(name);
      assert.ok(!name.endsWith(".map") && (typescriptLibFile || exampleNodeModule || !name.endsWith(".ts")), name);
      if (name.startsWith("node_modules/")) assert.match(name, /^node_modules\/(esbuild|@esbuild)\//, name);
    }
  });
});
