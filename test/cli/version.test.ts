// `stepgraph --version` answers from dist/cli.js alone, without loading the rest of the CLI
// (dist/cli-main.js, with the TypeScript compiler); every other command goes on to it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { repoRoot } from "../helpers";

const scratch = mkdtempSync(join(tmpdir(), "stepgraph-version-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
// Reports, as the process exits, which files of dist/ it loaded.
const preload = join(scratch, "report-loaded.cjs");
writeFileSync(preload, `const { sep } = require("node:path");\nprocess.on("exit", () => process.stderr.write("loaded: " + JSON.stringify(Object.keys(require.cache).filter((f) => f.includes(sep + "dist" + sep))) + "\\n"));\n`);

function stepgraph(args: string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const result = spawnSync(process.execPath, ["--require", preload, join(repoRoot, "dist", "cli.js"), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
  const line = result.stderr.split("\n").find((l) => l.startsWith("loaded: "));
  assert.ok(line, result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.replace(`${line}\n`, ""), loaded: JSON.parse(line.slice("loaded: ".length)) as string[] };
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
