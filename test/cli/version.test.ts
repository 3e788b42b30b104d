// `stepgraph --version` answers from dist/cli.js alone, without loading the rest of the CLI
// (dist/cli-main.js, with the TypeScript compiler); every other command goes on to it.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../helpers";
import { runCliReportingLoads } from "./loaded-files";

/** A command's result, with the files of dist/ it loaded. */
function stepgraph(args: string[]): ReturnType<typeof runCliReportingLoads> {
  const result = runCliReportingLoads(args);
  return { ...result, loaded: result.loaded.filter((file) => file.startsWith(join(repoRoot, "dist") + sep)) };
}

describe("stepgraph --version", () => {
  const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

  for (const flag of ["--version", "-v"]) {
    test(`${flag} prints the package's version and loads nothing but dist/cli.js`, () => {
      const result = stepgraph([flag]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `${version}\n`);
      assert.deepEqual(result.loaded, [join(repoRoot, "dist", "cli.js")]);
      const size = statSync(join(repoRoot, "dist", "cli.js")).size;
      assert.ok(size < 4096, `dist/cli.js is ${size} bytes: the launcher, not the CLI`);
    });
  }

  test("any other command goes on to dist/cli-main.js, with its own messages and exit codes", () => {
    const unknown = stepgraph(["bogus"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^stepgraph: unknown command 'bogus'/);
    assert.doesNotMatch(unknown.stderr, /\n\s+at /, "no stack trace");
    assert.ok(unknown.loaded.includes(join(repoRoot, "dist", "cli-main.js")), JSON.stringify(unknown.loaded));
    const help = stepgraph(["--help"]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: stepgraph COMMAND/);
  });
});
