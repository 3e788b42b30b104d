// What a hop of a job costs Redis (docs/production.md, "Redis as a queue"): on the three-loop
// chain, with jobs arriving faster than one at a time, at most 4 Redis commands per hop,
// counting every command Redis ran (those the workers' scripts call included), and one
// script call per batch of jobs a worker finishes (the commit takes the worker's next jobs).
// Counted by INFO commandstats of the test's own redis-server, from just before the jobs are
// submitted until the last one completed; the test's own commands are taken off.
import assert from "node:assert/strict";
import { test } from "node:test";
import type Redis from "ioredis";
import { deploy, fileTestRedis, loopsWorkspace, queueManager, startWorker, stopWorkers, submit, waitFor } from "./production-harness";

const LOOPS = ["first", "second", "third"];
const JOBS = 600;

const redis = fileTestRedis();

/** Calls per command since the last CONFIG RESETSTAT. */
async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const info = await client.info("commandstats");
  return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((match) => [match[1], Number(match[2])]));
}

test(`a hop of the three-loop chain costs at most 4 Redis commands, and a worker's batch one script call (${JOBS} jobs)`, async (t) => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const workers = await Promise.all(LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop)));
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    await manager.activeManifest();
    const totalsKey = manager.store.keys.totals;
    await redis.client.config("RESETSTAT");
    const ids = await submit(manager, Array.from({ length: JOBS }, (_, n) => ({ n })));
    // The test's own commands: the submission (counted as its part of the cost: a script call
    // and the ids) stays in; the polls are taken off below.
    let polls = 0;
    await waitFor(
      async () => {
        polls++;
        return Number(await redis.client.hget(totalsKey, "completed")) === JOBS;
      },
      60_000,
      "every job to complete",
    );
    const calls = await commandCalls(redis.client);
    calls.set("hget", (calls.get("hget") ?? 0) - polls);
    calls.delete("info");
    const commands = [...calls.values()].reduce((sum, n) => sum + n, 0);
    const perHop = commands / (JOBS * LOOPS.length);
    const scriptCalls = (calls.get("evalsha") ?? 0) + (calls.get("eval") ?? 0);
    const summary = [...calls].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${(n / JOBS).toFixed(2)}`).join(", ");
    t.diagnostic(`${perHop.toFixed(2)} commands per hop, ${(scriptCalls / JOBS).toFixed(2)} script calls per job; per job: ${summary}`);
    assert.ok(perHop <= 4, `${perHop.toFixed(2)} commands per hop (per job: ${summary})`);
    // Taking is part of the commit: about one script call per batch, not one to commit and one to take.
    const takes = (calls.get("lmove") ?? 0) + (calls.get("blmove") ?? 0);
    assert.ok(takes < JOBS, `jobs are taken in batches, not one LMOVE each (${takes} moves for ${JOBS * LOOPS.length} hops)`);
    assert.ok(scriptCalls < (JOBS * LOOPS.length) / 5, `${scriptCalls} script calls for ${JOBS * LOOPS.length} hops`);
    const outcomes = await manager.outcomes(ids);
    assert.deepEqual(
      outcomes.filter((outcome, n) => outcome.status !== "done" || outcome.result.c !== (n + 1) * 2 - 1),
      [],
      "every job done with c = (n + 1) * 2 - 1",
    );
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});
