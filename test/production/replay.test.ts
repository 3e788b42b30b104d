// `stepgraph run FILE --replay ID`: a job production ran, replayed in development mode with
// the values production recorded for it and the code of the local checkout. Real worker
// processes make the dead jobs (a throw, a timeout, a crash of the worker, a map element, an
// output over the dead-letter record's limit) and a finished one; the replay runs them here.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEAD_RECORD_LIMIT_BYTES } from "../../src/production/dead-record";
import { decodeValue } from "../../src/runtime/values";
import type { CliResult } from "../helpers";
import { copyFixture, type Workspace } from "../runtime/workspace";
import { deploy, fileTestRedis, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, superviseWorker, waitForRest, type WorkerProcess } from "./production-harness";

const redis = fileTestRedis();

function replayWorkspace(): Workspace {
  return copyFixture("replay", "production");
}

/** `stepgraph run FILE --replay ID` (the production Redis from --redis-prod, or the environment's when `prod` is false). */
function replay(ws: Workspace, graph: string, id: string, extra: string[] = [], prod = true): CliResult {
  return stepgraph(["run", ws.path(graph), "--replay", id, ...(prod ? ["--redis-prod", redis.url] : []), ...extra], redis.url, ws);
}

interface ReplayJson {
  outputs: Record<string, unknown>;
  nodes: { name: string; status: string }[];
  replay: { job: string; production: string; reused: string[]; ranHere: string[]; leftOut: string[]; outOfReach: Record<string, string>; failures: { node: string; loop: string; error: string; attempts: number; element?: number }[] };
}

function replayJson(result: CliResult): ReplayJson {
  return JSON.parse(result.stdout) as ReplayJson;
}

/** Runs `jobs` through `loops` of `graph` with one worker each; resolves to their ids once all are finished, the workers stopped. */
async function runInProduction(ws: Workspace, file: string, graph: string, loops: string[], jobs: Record<string, unknown>[]): Promise<{ ids: string[]; logs: string }> {
  deploy(file, redis.url, ws);
  const workers: WorkerProcess[] = await Promise.all(loops.map((loop) => startWorker(redis.url, ws, graph, loop)));
  const { manager, close } = await queueManager(redis.url, graph);
  try {
    const ids = await submit(manager, jobs);
    await waitForRest(manager, 30_000);
    return { ids, logs: workers.map((w) => w.output()).join("\n") };
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), loops.map(() => 0));
  }
}

test("a job whose node threw: the replay takes production's values up to it and runs the local code from there; after a local fix it runs through", async () => {
  const ws = replayWorkspace();
  const { ids, logs } = await runInProduction(ws, "replayed.graph", "replayed", ["first", "second"], [{ n: 12 }]);
  const [id] = ids;
  assert.match(logs, new RegExp(`job ${id} a: inc 12`));
  // Were `a` run here, the replay would fail in it: it must take production's value.
  ws.edit("nodes.ts", (text) => text.replace('ctx.log(`inc ${n}`);', 'throw new Error("inc ran in the replay");'));

  const failed = replay(ws, "replayed.graph", id);
  assert.equal(failed.status, 1, failed.stderr);
  assert.match(failed.stdout, new RegExp(`^replaying job ${id} of graph replayed: dead in production \\(node 'checked' of loop 'second' failed after 2 attempts: refusing 13\\)$`, "m"));
  assert.match(failed.stdout, /^ {2}a +recorded /m);
  assert.match(failed.stdout, /^ {2}info +recorded /m);
  assert.match(failed.stdout, /^ {2}checked +failed /m);
  assert.match(failed.stdout, /^reused from production: a, info$/m);
  assert.match(failed.stdout, /^ran here: checked$/m);
  assert.match(failed.stdout, new RegExp(`^out of reach: side \\(needs input 'n', which production did not record for job ${id}\\)$`, "m"));
  assert.match(failed.stdout, /^outcome: node 'checked' failed here too: refusing 13$/m);
  assert.match(failed.stderr, /node 'checked' failed: Error: refusing 13\n\s+at refuse \(.*nodes\.ts:\d+/);
  assert.doesNotMatch(failed.stdout + failed.stderr, /inc ran in the replay/);

  // The fix, in the local checkout only (production still runs the old code).
  ws.edit("nodes.ts", (text) => text.replace("if (n === poison)", "if (n === poison && n < 0)"));
  const fixed = replay(ws, "replayed.graph", id);
  assert.equal(fixed.status, 0, fixed.stderr);
  assert.match(fixed.stdout, /^ran here: checked, out$/m);
  assert.match(fixed.stdout, /^outcome: every node it could run finished here \(in production node 'checked' failed: refusing 13\)$/m);
  // Production's value as production held it: a Date, a Set and a bigint, not their JSON.
  assert.match(fixed.stdout, /info: \{\s+n: 13,\s+at: 2026-01-01T00:00:00\.000Z,\s+tags: Set\(2\) \{ 'x', 'y' \},\s+big: 1300000000000000000000n\s+\}/);
  assert.match(fixed.stdout, /out: 12/);

  const json = replayJson(replay(ws, "replayed.graph", id, ["--json"]));
  assert.deepEqual(json.outputs, { out: 12, info: { n: 13, at: "2026-01-01T00:00:00.000Z", tags: ["x", "y"], big: "1300000000000000000000" } });
  assert.deepEqual(json.replay.reused, ["a", "info"]);
  assert.deepEqual(json.replay.ranHere, ["checked", "out"]);
  assert.deepEqual(json.replay.outOfReach, { side: `needs input 'n', which production did not record for job ${id}` });
  assert.deepEqual(json.replay.failures, [{ node: "checked", loop: "second", error: "refusing 13", attempts: 2 }]);
  assert.equal(json.replay.production, "dead");
  assert.deepEqual(
    json.nodes.map((n) => [n.name, n.status]),
    [
      ["a", "recorded"],
      ["info", "recorded"],
      ["checked", "ran"],
      ["out", "ran"],
      ["side", "not-run"],
    ],
  );
});

test("a job whose node timed out: the replay runs the node here with production's arguments, and it times out here too", async () => {
  const ws = replayWorkspace();
  const { ids } = await runInProduction(ws, "timeout.graph", "replaytimeout", ["sleeping"], [{ ms: 5000 }]);
  const started = Date.now();
  const result = replay(ws, "timeout.graph", ids[0], [], false);
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, new RegExp(`^replaying job ${ids[0]} of graph replaytimeout: dead in production \\(node 'slept' of loop 'sleeping' failed after 1 attempt: [^\\n]*timed out after 300 ms\\)$`, "m"));
  assert.match(result.stdout, /^outcome: node 'slept' failed here too: .*timed out after 300 ms/m);
  assert.ok(Date.now() - started < 4500, "the node ran with production's 5000 ms and the graph's timeout");
});

test("a job whose worker died running it: the replay runs the loop it died in here, and says which node production could not name", async () => {
  const ws = loopsWorkspace();
  deploy("crash.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "crash");
  // A supervisor, as in production: a worker that exits is started again.
  const { stop } = superviseWorker(redis.url, ws, "crash", "crashing");
  let id: string;
  try {
    [id] = await submit(manager, [{ n: 3 }]);
    await waitForRest(manager, 90_000);
  } finally {
    await stop();
    close();
  }
  const result = replay(ws, "crash.graph", id);
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, new RegExp(`^replaying job ${id} of graph crash: dead in production \\(its worker died \\(or lost its lease\\) while running it 4 times in loop 'crashing'; which of its nodes was running is not known, so the replay takes 'survived', the loop's first node, for the failed one\\)$`, "m"));
  assert.match(result.stdout, /^outcome: node 'survived' failed here too: the node host exited .* while running node 'survived'/m);
  ws.edit("nodes.ts", (text) => text.replace("if (n === poison) process.exit(1);", ""));
  const fixed = replay(ws, "crash.graph", id, ["--json"]);
  assert.equal(fixed.status, 0, fixed.stderr);
  assert.deepEqual(replayJson(fixed).outputs, { survived: 3 });
  assert.deepEqual(replayJson(fixed).replay.failures, [{ node: "", loop: "crashing", error: "its worker died (or lost its lease) while running it 4 times", attempts: 4 }]);
});

test("a job whose map element failed, run in the job's worker and spread over the loop's: production's list, the map run here", async () => {
  const ws = replayWorkspace();
  const { ids } = await runInProduction(ws, "mapped.graph", "replaymapped", ["checking"], [{ n: 4 }, { n: 40 }]);
  const { manager, close } = await queueManager(redis.url, "replaymapped");
  try {
    for (const record of await manager.deadJobs()) {
      // What the loop computed before the map is kept for the replay: in the job as it entered
      // its last attempt (a retried job carries what it computed), or in the outputs.
      const held = { ...(JSON.parse(record.job) as { values: Record<string, string> }).values, ...record.outputs };
      assert.equal((decodeValue(held.items) as number[]).length, record.id === ids[0] ? 4 : 40);
      assert.ok(!Object.keys(record.outputs ?? {}).some((name) => name.includes("#")), "no map element among the outputs");
    }
  } finally {
    close();
  }
  ws.edit("nodes.ts", (text) => text.replace("return Array.from(", 'throw new Error("numbers ran in the replay"); return Array.from('));
  for (const [i, count] of [4, 40].entries()) {
    const result = replay(ws, "mapped.graph", ids[i]);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`dead in production \\(node 'checked' of loop 'checking' failed after 2 attempts: element 2 of ${count}: three is bad \\(attempt 2\\)\\)$`, "m"));
    assert.match(result.stdout, /^reused from production: items$/m);
    assert.match(result.stdout, new RegExp(`^outcome: node 'checked' failed here too: element 2 of ${count}: three is bad \\(attempt 2\\)$`, "m"));
  }
  ws.edit("nodes.ts", (text) => text.replace("if (item === 3)", "if (item === -3)"));
  const fixed = replayJson(replay(ws, "mapped.graph", ids[1], ["--json"]));
  assert.deepEqual(fixed.outputs, { checked: Array.from({ length: 40 }, (_, i) => (i + 1) * 10) });
  assert.deepEqual(fixed.replay.failures, [{ node: "checked", loop: "checking", element: 2, error: "element 2 of 40: three is bad (attempt 2)", attempts: 2 }]);
});

test("outputs over the dead-letter record's limit are left out and named; the replay runs those nodes here and says so", async () => {
  const ws = replayWorkspace();
  const size = DEAD_RECORD_LIMIT_BYTES + 100_000;
  const { ids } = await runInProduction(ws, "big.graph", "replaybig", ["checking"], [{ size: 20 }, { size }]);
  const stored = (await redis.client.hgetall("stepgraph:{replaybig}:prod:dead")) as Record<string, string>;
  const [small] = JSON.parse(stored[ids[0]]) as { outputs?: Record<string, string> }[];
  assert.equal(decodeValue(small.outputs?.big as string), "x".repeat(20));
  assert.ok(Buffer.byteLength(stored[ids[1]]) <= DEAD_RECORD_LIMIT_BYTES + 2, `${Buffer.byteLength(stored[ids[1]])} bytes`);
  const [large] = JSON.parse(stored[ids[1]]) as { outputs?: Record<string, string>; outputsLeftOut?: string[] }[];
  assert.equal(large.outputs, undefined);
  assert.deepEqual(large.outputsLeftOut, ["big"]);

  const kept = replay(ws, "big.graph", ids[0]);
  assert.match(kept.stdout, /^reused from production: big$/m);
  const leftOut = replay(ws, "big.graph", ids[1]);
  assert.equal(leftOut.status, 1, leftOut.stderr);
  assert.match(leftOut.stdout, new RegExp(`^left out of the dead-letter record \\(over its limit of ${DEAD_RECORD_LIMIT_BYTES} bytes\\), so run here: big$`, "m"));
  assert.match(leftOut.stdout, /^ {2}big +ran /m);
  assert.match(leftOut.stdout, new RegExp(`^outcome: node 'checked' failed here too: ${size} characters is more than 10$`, "m"));
  assert.deepEqual(replayJson(replay(ws, "big.graph", ids[1], ["--json"])).replay.leftOut, ["big"]);
});

test("a finished job: its result is what production recorded; the nodes that need its input run here only when the input is given", async () => {
  const ws = replayWorkspace();
  const { ids } = await runInProduction(ws, "replayed.graph", "replayed", ["first", "second"], [{ n: 1 }]);
  const [id] = ids;
  const bare = replay(ws, "replayed.graph", id, ["--json"]);
  assert.equal(bare.status, 0, bare.stderr);
  const json = replayJson(bare);
  assert.equal(json.replay.production, "done");
  assert.deepEqual(json.replay.reused, ["info", "out"]);
  assert.deepEqual(json.replay.ranHere, []);
  assert.deepEqual(Object.keys(json.replay.outOfReach).sort(), ["a", "checked", "side"]);
  assert.equal(json.replay.outOfReach.a, `needs input 'n', which production did not record for job ${id}`);
  assert.equal(json.replay.outOfReach.checked, "needs 'a', which cannot run here");
  assert.deepEqual(json.outputs, { out: 1, info: { n: 2, at: "2026-01-01T00:00:00.000Z", tags: ["x", "y"], big: "200000000000000000000" } });

  const given = replay(ws, "replayed.graph", id, ["--input", '{"n": 1}']);
  assert.equal(given.status, 0, given.stderr);
  assert.match(given.stdout, new RegExp(`^replaying job ${id} of graph replayed: done in production$`, "m"));
  assert.match(given.stdout, /^not recorded by production, so taken from the graph's defaults: poison$/m);
  assert.match(given.stdout, /^reused from production: info, out$/m);
  assert.match(given.stdout, /^ran here: a, side, checked$/m);
  assert.match(given.stdout, /^outcome: every node finished here$/m);
});

test("a replay that cannot be made says why in one line", async () => {
  const ws = replayWorkspace();
  const { ids } = await runInProduction(ws, "replayed.graph", "replayed", ["first", "second"], [{ n: 1 }]);
  const oneLine = (result: CliResult, status: number, pattern: RegExp) => {
    assert.equal(result.status, status, result.stderr);
    assert.match(result.stderr, pattern);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  };
  oneLine(replay(ws, "replayed.graph", "99"), 2, /^stepgraph: production has recorded nothing of job 99 of graph replayed at redis:\/\/127\.0\.0\.1:\d+: it is not dead and has no result \(still running, never submitted, or done more than 24 hours ago: results expire then\)\n$/);
  oneLine(replay(ws, "replayed.graph", "x1"), 2, /^stepgraph: --replay takes a job id \(as `stepgraph submit` prints it: 17, or 17@3 for a partitioned graph\), not 'x1'\n$/);
  oneLine(stepgraph(["run", ws.path("replayed.graph"), "--redis-prod", redis.url], redis.url, ws), 2, /--redis-prod names the production Redis of a replay: give --replay ID too/);
  oneLine(replay(ws, "replayed.graph", ids[0], ["--redis-prod", "http://nowhere"]), 2, /not a Redis URL/);
  oneLine(stepgraph(["run", ws.path("replayed.graph"), "--replay", ids[0], "--redis-prod", "redis://127.0.0.1:1"], redis.url, ws), 2, /^stepgraph: Redis at redis:\/\/127\.0\.0\.1:1 does not answer/);
  // The production Redis as the cache: a replay would write into it.
  oneLine(replay(ws, "replayed.graph", ids[0], ["--cache", "use", "--redis", redis.url]), 2, /the cache of a replay cannot be the production Redis/);
});

test("dead retry after a fix: the job goes back to the loop it died in, on the active version, and finishes there; the loop before it does not run again", async () => {
  const ws = replayWorkspace();
  deploy("replayed.graph", redis.url, ws);
  const workers = await Promise.all(["first", "second"].map((loop) => startWorker(redis.url, ws, "replayed", loop)));
  const { manager, close } = await queueManager(redis.url, "replayed");
  try {
    const [id] = await submit(manager, [{ n: 12 }]);
    await waitForRest(manager, 20_000);
    assert.equal((await manager.outcomes([id]))[0].status, "dead");
    // The fix, deployed: version 2 is the active one.
    ws.edit("nodes.ts", (text) => text.replace("if (n === poison)", "if (n === poison && n < 0)"));
    deploy("replayed.graph", redis.url, ws);
    const retried = stepgraph(["dead", "replayed", "retry", id], redis.url, ws);
    assert.equal(retried.status, 0, retried.stderr);
    assert.equal(retried.stdout, `job ${id} is back in its queue (loop second, on version 2, the active one)\n`);
    await waitForRest(manager, 20_000);
    const [outcome] = await manager.outcomes([id]);
    assert.equal(outcome.status, "done");
    assert.equal(outcome.status === "done" && outcome.result.out, 12);
    assert.deepEqual(await manager.deadJobs(), []);
    // `a` ran once, in production, before the job died: the retry started at the loop it died in.
    assert.equal(workers[0].output().match(new RegExp(`job ${id} a: inc 12`, "g"))?.length, 1);
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
  }
});
