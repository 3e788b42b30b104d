// Clear Cache for This Graph runs the bundled CLI in a child process.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
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
