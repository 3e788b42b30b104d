// The production view's snapshot read with the real CLI (dist/cli.js, as the extension runs
// it) from a Redis that serves TLS only and is reached as an ACL user with a password: the
// URL the setting would hold (`rediss://app:PASSWORD@...`), the CA trusted through
// NODE_EXTRA_CA_CERTS as a user's system would.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { productionRedis } from "../../../src/extension/production-arguments";
import { runCli } from "../../../src/extension/run-cli";
import { readProductionSnapshot } from "../../../src/extension/views/production-snapshot";
import { productionRows } from "../../../src/extension/views/production-tree";
import { repoRoot } from "../../helpers";
import { DEPLOY_KEY } from "../../production/production-harness";
import { startTestRedis, type TestRedis } from "../../redis-harness";
import { copyFixture } from "../../runtime/workspace";

const USER = "app";
const PASSWORD = "app-password-0123";
let redis: TestRedis;

before(async () => {
  redis = await startTestRedis({ tls: true, args: ["--user", USER, "on", `>${PASSWORD}`, "~*", "&*", "+@all"] });
});
after(() => redis.stop());

test("over TLS, as an ACL user: the deployed graphs, their versions and loops, no dead job, no capture point", async () => {
  const url = `rediss://${USER}:${PASSWORD}@127.0.0.1:${redis.port}`;
  const ws = copyFixture("loops", "production");
  const env = { STEPGRAPH_DEPLOY_KEY: DEPLOY_KEY, STEPGRAPH_STATE_DIR: ws.stateDir, NODE_EXTRA_CA_CERTS: redis.caFile ?? "" };
  const cli = (args: string[]) => runCli(join(repoRoot, "dist", "cli.js"), args, { cwd: ws.dir, env });
  for (const graph of ["chain.graph", "fork.graph"]) {
    const deployed = await cli(["deploy", ws.path(graph), "--redis", url]);
    assert.equal(deployed.exitCode, 0, deployed.stderr);
  }
  const target = productionRedis(url, undefined);
  const rows = productionRows(await readProductionSnapshot(cli, target), target.label);
  assert.deepEqual(rows.map((r) => [r.label, r.description]), [["chain", "version 1"], ["fork", "version 1"]]);
  const chain = rows[0].children ?? [];
  assert.deepEqual(chain.map((r) => [r.kind, r.label]), [["loop", "first"], ["loop", "second"], ["loop", "third"], ["deadJobs", "Dead jobs"], ["captures", "Capture points"]]);
  assert.deepEqual(chain.filter((r) => r.kind !== "loop").map((r) => r.description), ["0", "0"]);
  assert.doesNotMatch(JSON.stringify(rows), new RegExp(PASSWORD));
});

test("the same Redis without the CA: one row saying production cannot be read, and why", async () => {
  const url = `rediss://${USER}:${PASSWORD}@127.0.0.1:${redis.port}`;
  const target = productionRedis(url, undefined);
  const ws = copyFixture("loops", "production");
  const cli = (args: string[]) => runCli(join(repoRoot, "dist", "cli.js"), args, { cwd: ws.dir, env: { STEPGRAPH_STATE_DIR: ws.stateDir } });
  const rows = productionRows(await readProductionSnapshot(cli, target), target.label);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].kind, "problem");
  assert.match(rows[0].description ?? "", /certificate/i);
});
