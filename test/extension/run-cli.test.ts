// The commands run the bundled CLI in a child process: Clear Cache for This Graph against
// the real CLI; the options production commands use against a stand-in script.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { cliFailureLine } from "../../src/extension/cli-failure";
import { runCli } from "../../src/extension/run-cli";
import { repoRoot } from "../helpers";

const cli = join(repoRoot, "dist", "cli.js");

test("cache clear of a graph file reports what it cleared", async () => {
  const graph = join(repoRoot, "examples", "orders", "orders.graph");
  const result = await runCli(cli, ["cache", "clear", graph, "--redis", "memory"], { cwd: mkdtempSync(join(tmpdir(), "stepgraph-clear-")) });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /^cleared 0 cached outputs of graph 'orders' \(.+\)\n$/);
});

test("a failure comes back as its exit code and stderr line", async () => {
  const result = await runCli(cli, ["cache", "clear", join(repoRoot, "no-such.graph"), "--redis", "memory"], { cwd: repoRoot });
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /^stepgraph: .*no-such\.graph/);
});

describe("runCli's options", () => {
  const scratch = mkdtempSync(join(tmpdir(), "stepgraph-run-cli-"));
  /** Prints what production commands rely on, then waits for SIGTERM (as `submit --wait` does). */
  const script = join(scratch, "fake-cli.js");
  writeFileSync(
    script,
    `process.stdout.write(JSON.stringify({ args: process.argv.slice(2), key: process.env.STEPGRAPH_DEPLOY_KEY ?? null, asNode: process.env.ELECTRON_RUN_AS_NODE }) + "\\n");
if (process.argv.includes("--wait")) { process.on("SIGTERM", () => process.exit(3)); setInterval(() => {}, 1000); }
`,
  );
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("extra environment reaches the process (the deploy key, for deploy only)", async () => {
    const withKey = await runCli(script, ["deploy", "x.graph"], { cwd: scratch, env: { STEPGRAPH_DEPLOY_KEY: "k3y" } });
    assert.deepEqual(JSON.parse(withKey.stdout), { args: ["deploy", "x.graph"], key: "k3y", asNode: "1" });
    const without = await runCli(script, ["status", "x"], { cwd: scratch });
    assert.equal((JSON.parse(without.stdout) as { key: unknown }).key, process.env.STEPGRAPH_DEPLOY_KEY ?? null);
  });

  test("aborting sends SIGTERM and still resolves with what the process printed", async () => {
    const abort = new AbortController();
    const running = runCli(script, ["submit", "x", "--wait"], { cwd: scratch, signal: abort.signal });
    setTimeout(() => abort.abort(), 300);
    const result = await running;
    assert.equal(result.exitCode, 3);
    assert.match(result.stdout, /"submit"/);
  });

  test("onLine gets each stdout line as it comes, one split across writes whole, the last one unterminated too", async () => {
    const lines = join(scratch, "lines.js");
    writeFileSync(lines, `process.stdout.write("one\\ntw"); setTimeout(() => { process.stdout.write("o\\nthree"); }, 50);\n`);
    const seen: string[] = [];
    const result = await runCli(lines, [], { cwd: scratch, onLine: (line) => seen.push(line) });
    assert.equal(result.exitCode, 0);
    assert.deepEqual(seen, ["one", "two", "three"]);
    assert.equal(result.stdout, "one\ntwo\nthree");
  });
});

test("cliFailureLine: the first stderr line, without the 'stepgraph: ' prefix", () => {
  assert.equal(cliFailureLine({ exitCode: 2, stdout: "", stderr: "\nstepgraph: deploy: STEPGRAPH_DEPLOY_KEY is not set\n" }), "deploy: STEPGRAPH_DEPLOY_KEY is not set");
  assert.equal(
    cliFailureLine({ exitCode: 1, stdout: "", stderr: "orders.graph:3:1: error SG011 unknown name 'x'\norders.graph:4:1: error SG011 unknown name 'y'\n" }),
    "orders.graph:3:1: error SG011 unknown name 'x'",
  );
  assert.equal(cliFailureLine({ exitCode: 70, stdout: "", stderr: "  \n" }), "exit code 70");
});

test("cliFailureLine: a graph's errors are named with the first of them", () => {
  const stderr = "stepgraph: orders.graph has 2 errors:\norders.graph:3:10: error SG014 no module exports 'nosuch'\norders.graph:4:1: error SG011 unknown name 'y'\n";
  assert.equal(cliFailureLine({ exitCode: 1, stdout: "", stderr }), "orders.graph has 2 errors: orders.graph:3:10: error SG014 no module exports 'nosuch'");
});
