// A map of many elements in production is spread over the workers of its loop: each element
// a message of the loop's queue, gathered exactly once by a script, the job going on when
// the last element is done; a worker killed mid-map loses no element.
import assert from "node:assert/strict";
import { test } from "node:test";
import { copyFixture } from "../runtime/workspace";
import { deploy, fileTestRedis, queueManager, startWorker, stopWorkers, submit, waitFor, waitForRest, type WorkerProcess } from "./production-harness";

const redis = fileTestRedis();

const expected = (n: number) => {
  const scaled = Array.from({ length: n }, (_, i) => (i + 1) * 3);
  return { scaled, total: scaled.reduce((a, b) => a + b, 0) };
};

test("the elements of a large map run on every worker of the loop, each retried alone; the job goes on with all of them", async () => {
  const ws = copyFixture("v2", "production");
  deploy("spread.graph", redis.url, ws);
  const workers = await Promise.all([1, 2].map(() => startWorker(redis.url, ws, "pspread", "spreading")));
  const { manager, close } = await queueManager(redis.url, "pspread");
  try {
    const ids = await submit(manager, [{ n: 200 }, { n: 40 }, { n: 3 }]);
    await waitForRest(manager, 60_000);
    const outcomes = await manager.outcomes(ids);
    assert.deepEqual(outcomes, [200, 40, 3].map((n, i) => ({ id: ids[i], status: "done", result: expected(n) })));
    for (const worker of workers) assert.match(worker.output(), /job 1 scaled: element \d+ of 200/, "each worker ran elements of the first job");
    // Element 50 (index 49) failed its first attempt and ran again, alone.
    const logs = workers.map((w) => w.output()).join("\n");
    assert.equal(logs.match(/job 1 scaled: element 49 of 200/g)?.length, 1, "the retried element finished once");
    assert.equal(logs.match(/job 1 scaled: element 0 of 200/g)?.length, 1, "other elements ran once");
    assert.deepEqual(await redis.client.keys("*gather*"), [], "no gather hash left");
    assert.deepEqual(await manager.store.totals(), { submitted: 3, completed: 3, dead: 0 });
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
  }
});

test("an element of a spread map out of retries sends its job to the dead-letter list once, with the element's index", async () => {
  const ws = copyFixture("v2", "production");
  deploy("spreadfails.graph", redis.url, ws);
  const workers = await Promise.all([1, 2].map(() => startWorker(redis.url, ws, "pspreadfails", "checking")));
  const { manager, close } = await queueManager(redis.url, "pspreadfails");
  try {
    const [id] = await submit(manager, [{}]);
    await waitForRest(manager, 30_000);
    const records = await manager.deadJobs();
    assert.deepEqual(
      records.map(({ id, loop, node, element, attempts, error }) => ({ id, loop, node, element, attempts, error })),
      [{ id, loop: "checking", node: "checked", element: 2, attempts: 2, error: "element 2 of 40: three is bad (attempt 2)" }],
    );
    assert.deepEqual(records[0].state, { n: 40, items: Array.from({ length: 40 }, (_, i) => i + 1) });
    assert.equal(JSON.parse(records[0].job).id, id);
    assert.deepEqual(await manager.store.totals(), { submitted: 1, completed: 0, dead: 1 });
    // Its other elements finish and find no job to join: nothing is left behind.
    await waitFor(async () => (await redis.client.keys("*:loop:checking:*")).filter((k) => !/workers|lease|stats|rate/.test(k)).length === 0, 10_000, "the other elements to drain");
  } finally {
    close();
    await stopWorkers(workers);
  }
});

test("an element of a spread map that ends its worker every time sends its job to the dead-letter list after 4 deaths", async () => {
  const ws = copyFixture("v2", "production");
  deploy("spreadcrash.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "pspreadcrash");
  const started: WorkerProcess[] = [];
  let supervising = true;
  // Two supervised workers, as in production: one that exits is started again.
  const supervise = async () => {
    while (supervising) {
      const worker = await startWorker(redis.url, ws, "pspreadcrash", "checking");
      started.push(worker);
      await Promise.race([worker.exited, waitFor(() => !supervising, 120_000, "the end")]);
    }
  };
  const supervisors = [supervise(), supervise()];
  try {
    const [id] = await submit(manager, [{}]);
    await waitForRest(manager, 90_000);
    const records = await manager.deadJobs();
    assert.deepEqual(
      records.map(({ id, loop, node, element, attempts, error }) => ({ id, loop, node, element, attempts, error })),
      [{ id, loop: "checking", node: "checked", element: 2, attempts: 4, error: "element 2 of 40: its worker died (or lost its lease) while running it 4 times" }],
    );
    assert.deepEqual(records[0].state, { n: 40, items: Array.from({ length: 40 }, (_, i) => i + 1) });
    assert.equal(JSON.parse(records[0].job).id, id);
    assert.deepEqual(await manager.store.totals(), { submitted: 1, completed: 0, dead: 1 });
    // The other elements finish (or find their job gone): no gather hash, no deaths count, no element is left.
    await waitFor(async () => (await redis.client.keys("*:loop:checking:*")).filter((k) => !/workers|lease|stats|rate/.test(k)).length === 0, 20_000, "the other elements to drain");
  } finally {
    supervising = false;
    await Promise.all(supervisors);
    await stopWorkers(started);
    close();
  }
});

test("kill -9 of workers in the middle of spread maps loses no element and gathers each once", async () => {
  const ws = copyFixture("v2", "production");
  deploy("spread.graph", redis.url, ws);
  const env = { STEPGRAPH_TEST_JITTER_MS: "30" };
  const workers: WorkerProcess[] = await Promise.all([1, 2, 3].map(() => startWorker(redis.url, ws, "pspread", "spreading", { env })));
  const { manager, close } = await queueManager(redis.url, "pspread");
  try {
    const ids = await submit(manager, Array.from({ length: 30 }, () => ({ n: 60 })));
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Mid-map: some job waits for its elements.
      await waitFor(async () => (await redis.client.keys("*gather*")).length > 0, 20_000, "a job to spread its elements");
      const victim = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null);
      victim?.child.kill("SIGKILL");
      workers.push(await startWorker(redis.url, ws, "pspread", "spreading", { env }));
    }
    await waitForRest(manager, 90_000);
    const outcomes = await manager.outcomes(ids);
    for (const [i, outcome] of outcomes.entries()) assert.deepEqual(outcome, { id: ids[i], status: "done", result: expected(60) });
    assert.deepEqual(await manager.store.totals(), { submitted: 30, completed: 30, dead: 0 });
    assert.deepEqual(await redis.client.keys("*gather*"), []);
  } finally {
    close();
    await stopWorkers(workers);
  }
});
