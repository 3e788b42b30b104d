// What the shipped bundles hold and what a command loads (esbuild.mjs): the TypeScript
// compiler ships once, as dist/typescript.js, which the bundles that read node modules
// require; a worker loads neither it nor the whole command line.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../helpers";
import { runCliReportingLoads } from "./loaded-files";

const dist = join(repoRoot, "dist");
const orders = join(repoRoot, "examples", "orders", "orders.graph");
/** A line of the compiler's own code (its assertion helper), in any copy of it. */
const TYPESCRIPT_CODE = /Debug Failure\. False expression/;

/** The bundles of ours that a command loads (dist/*.js). */
const loadedBundles = (args: string[]): string[] =>
  runCliReportingLoads(args)
    .loaded.filter((file) => file.startsWith(dist + "/"))
    .map((file) => basename(file))
    .sort();

describe("the TypeScript compiler in the shipped build", () => {
  test("is one file, dist/typescript.js, the package's lib/typescript.js, with its licence; no bundle has a copy of its own", () => {
    assert.deepEqual(readFileSync(join(dist, "typescript.js")), readFileSync(join(repoRoot, "node_modules", "typescript", "lib", "typescript.js")));
    assert.deepEqual(readFileSync(join(dist, "typescript.LICENSE.txt")), readFileSync(join(repoRoot, "node_modules", "typescript", "LICENSE.txt")));
    const bundles = readdirSync(dist).filter((name) => name.endsWith(".js") && name !== "typescript.js");
    assert.ok(bundles.includes("cli-main.js") && bundles.includes("debug-adapter.js") && bundles.includes("language-server.js"), bundles.join(", "));
    for (const name of bundles) assert.doesNotMatch(readFileSync(join(dist, name), "utf8"), TYPESCRIPT_CODE, `${name} bundles a copy of the compiler`);
    for (const name of ["cli-main.js", "debug-adapter.js", "language-server.js"]) assert.match(readFileSync(join(dist, name), "utf8"), /require\("\.\/typescript\.js"\)/, name);
  });

  test("stepgraph check loads it from dist/; a worker loads only its own bundle; --version nothing else", () => {
    assert.deepEqual(loadedBundles(["check", orders]), ["cli-main.js", "cli.js", "typescript.js"]);
    // Refused for want of a deploy key, after its bundle loaded.
    assert.deepEqual(loadedBundles(["worker", "--graph", "orders", "--loop", "main"]), ["cli.js", "worker-main.js"]);
    assert.deepEqual(loadedBundles(["--version"]), ["cli.js"]);
  });
});
