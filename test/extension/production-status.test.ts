// Reading `stepgraph status --json`: the Show Production Status notification, and the
// loops Start Local Workers starts workers for.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DeployResult } from "../../src/extension/deploy-result";
import { chooseWorkerLoops, loopStatsOf, neverDeployedMessage, parseProductionStatus, statusSummary, type ProductionStatus } from "../../src/extension/production-status";
import type { GraphStatus } from "../../src/production/queue-manager";

const loopCounters = { waiting: 0, delayed: 0, inFlight: 1, done: 7, failed: 1, dead: 1, workers: 1, throughput: 2.5, latencyMs: 120 };
// Typed as what the CLI prints (`status --json` writes a GraphStatus), so that the two keep the same shape.
const cliStatus: GraphStatus = {
  graph: "orders",
  activeVersion: 3,
  submitted: 10,
  completed: 8,
  dead: 1,
  partitions: 1,
  loops: [
    { name: "intake", ...loopCounters, partitions: [{ partition: 0, ...loopCounters }] },
    { name: "billing", ...loopCounters, waiting: 4, inFlight: 2, throughput: 0.5, latencyMs: null, partitions: [{ partition: 0, ...loopCounters, waiting: 4, inFlight: 2, throughput: 0.5, latencyMs: null }] },
  ],
};
const statusJson = JSON.stringify(cliStatus);
const neverDeployed: ProductionStatus = { graph: "orders", activeVersion: null, loops: [] };
const lastDeploy: DeployResult = { graph: "orders", version: 2, loops: [{ name: "intake", workers: 0 }, { name: "shipping", workers: 0 }] };

describe("parseProductionStatus", () => {
  test("the totals and each loop's counters", () => {
    assert.deepEqual(parseProductionStatus(statusJson), {
      graph: "orders",
      activeVersion: 3,
      submitted: 10,
      completed: 8,
      dead: 1,
      loops: [
        { name: "intake", ...loopCounters },
        { name: "billing", ...loopCounters, waiting: 4, inFlight: 2, throughput: 0.5, latencyMs: null },
      ],
    });
  });

  test("a loop's counters that are missing or not numbers are left out", () => {
    const status = parseProductionStatus('{"graph":"g","activeVersion":1,"loops":[{"name":"a","waiting":"3","inFlight":2}]}');
    assert.deepEqual(status?.loops, [{ name: "a", inFlight: 2 }]);
  });

  test("a graph never deployed has no active version", () => {
    const status = parseProductionStatus('{"graph":"orders","activeVersion":null,"submitted":0,"completed":0,"dead":0,"loops":[]}');
    assert.equal(status?.activeVersion, null);
  });

  test("anything of another shape is no status", () => {
    for (const stdout of ["", "orders  waiting 0", '{"activeVersion":3}', '{"graph":"orders","activeVersion":"3"}', '{"graph":"orders","activeVersion":3,"loops":[{"waiting":1}]}']) {
      assert.equal(parseProductionStatus(stdout), undefined, stdout);
    }
  });
});

describe("statusSummary", () => {
  test("completed and dead, of how many submitted", () => {
    const status = parseProductionStatus(statusJson);
    assert.ok(status);
    assert.equal(statusSummary(status), "orders version 3: completed 8, dead 1 (10 submitted)");
  });

  test("a graph not deployed says so; missing counters show as '?'", () => {
    assert.equal(statusSummary(neverDeployed), "orders is not deployed");
    assert.equal(statusSummary({ graph: "g", activeVersion: 1, loops: [] }), "g version 1: completed ?, dead ?");
  });
});

describe("loopStatsOf", () => {
  test("waiting, in flight and jobs per second of each loop, for the graph view", () => {
    const status = parseProductionStatus(statusJson);
    assert.ok(status);
    assert.deepEqual(loopStatsOf(status), [
      { name: "intake", waiting: 0, inFlight: 1, rate: 2.5 },
      { name: "billing", waiting: 4, inFlight: 2, rate: 0.5 },
    ]);
  });

  test("a counter the CLI left out counts as 0", () => {
    assert.deepEqual(loopStatsOf({ graph: "g", activeVersion: 1, loops: [{ name: "a", waiting: 3 }] }), [{ name: "a", waiting: 3, inFlight: 0, rate: 0 }]);
  });
});

describe("chooseWorkerLoops", () => {
  test("the active version's loops, from the status", () => {
    assert.deepEqual(chooseWorkerLoops("orders", parseProductionStatus(statusJson), lastDeploy), { ok: true, loops: ["intake", "billing"], from: "status" });
  });

  test("never deployed: refused, even when this window remembers a deploy", () => {
    assert.deepEqual(chooseWorkerLoops("orders", neverDeployed, lastDeploy), { ok: false, message: neverDeployedMessage("orders") });
    assert.match(neverDeployedMessage("orders"), /^orders was never deployed: deploy it first/);
  });

  test("the status cannot be read: the last deploy's loops, else the reason", () => {
    assert.deepEqual(chooseWorkerLoops("orders", undefined, lastDeploy, "Redis down"), { ok: true, loops: ["intake", "shipping"], from: "last deploy" });
    assert.deepEqual(chooseWorkerLoops("orders", undefined, undefined, "could not connect to redis://127.0.0.1:6379"), {
      ok: false,
      message: "Could not read the production status of orders: could not connect to redis://127.0.0.1:6379",
    });
  });

  test("a deployed version whose status lists no loops: the last deploy's, else refused", () => {
    const noLoops: ProductionStatus = { graph: "orders", activeVersion: 3, loops: [] };
    assert.deepEqual(chooseWorkerLoops("orders", noLoops, lastDeploy), { ok: true, loops: ["intake", "shipping"], from: "last deploy" });
    assert.equal(chooseWorkerLoops("orders", noLoops, undefined).ok, false);
  });
});
