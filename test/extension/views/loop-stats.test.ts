// The graph view's production figures: `stepgraph status NAME --json` read by the real CLI
// from a redis-server of the test's own with a deployed graph and waiting jobs, and the
// poller that reads them again while Production is on.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { productionRedis } from "../../../src/extension/production-arguments";
import { LoopStatsPoller } from "../../../src/extension/views/loop-stats-poller";
import { readLoopStats, type LoopStatsSource, type LoopStatsUpdate, type LoopStatsWords } from "../../../src/extension/views/loop-stats-reader";
import { freePort } from "../../../src/store/private-redis";
import { repoRoot } from "../../helpers";
import { deploy, loopsWorkspace, stepgraph, waitFor } from "../../production/production-harness";
import { startTestRedis, type TestRedis } from "../../redis-harness";
import type { Workspace } from "../../runtime/workspace";

const cliPath = join(repoRoot, "dist", "cli.js");
const words: LoopStatsWords = { notDeployed: (graph, redis) => `${graph} not deployed to ${redis}`, failed: (reason) => `failed: ${reason}` };
let redis: TestRedis;
let ws: Workspace;
let source: LoopStatsSource;

before(async () => {
  redis = await startTestRedis();
  ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  // No worker: the jobs wait in the first loop's list.
  const submitted = stepgraph(["submit", "chain", "--input", '{"n": 1}', "--count", "3"], redis.url, ws);
  assert.equal(submitted.status, 0, submitted.stderr);
  source = { cliPath, graph: "chain", cwd: ws.dir, redis: productionRedis(redis.url, undefined) };
});
after(() => redis.stop());

describe("readLoopStats", () => {
  test("a deployed graph: each loop's waiting, in flight and jobs per second", async () => {
    assert.deepEqual(await readLoopStats(source, words), {
      loops: [
        { name: "first", waiting: 3, inFlight: 0, rate: 0 },
        { name: "second", waiting: 0, inFlight: 0, rate: 0 },
        { name: "third", waiting: 0, inFlight: 0, rate: 0 },
      ],
    });
  });

  test("a graph never deployed: no figures, and the message names the graph and the Redis", async () => {
    assert.deepEqual(await readLoopStats({ ...source, graph: "elsewhere" }, words), { loops: null, message: `elsewhere not deployed to ${redis.url}` });
  });

  test("a Redis that does not answer: no figures, and the CLI's reason", async () => {
    const down = productionRedis(`redis://127.0.0.1:${await freePort()}`, undefined);
    const update = await readLoopStats({ ...source, redis: down }, words);
    assert.equal(update.loops, null);
    assert.match(update.message ?? "", /^failed: .*127\.0\.0\.1/);
  });
});

describe("LoopStatsPoller", () => {
  const poller = (reports: LoopStatsUpdate[], intervalMs: number) =>
    new LoopStatsPoller<LoopStatsUpdate>((signal) => readLoopStats(source, words, signal), (update) => reports.push(update), (error) => ({ loops: null, message: String(error) }), intervalMs);

  test("reads at once, then again every interval; nothing after stop", async () => {
    const reports: LoopStatsUpdate[] = [];
    const polling = poller(reports, 100);
    polling.start();
    polling.start(); // already running: no second reader
    assert.equal(polling.running, true);
    await waitFor(() => reports.length >= 2, 20_000, "two readings");
    polling.stop();
    assert.equal(polling.running, false);
    const seen = reports.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(reports.length, seen);
    assert.ok(reports.every((r) => r.loops?.[0]?.waiting === 3), JSON.stringify(reports));
  });

  test("stopped while reading: that reading is dropped", async () => {
    const reports: LoopStatsUpdate[] = [];
    const polling = poller(reports, 100);
    polling.start();
    polling.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(reports, []);
  });
});
