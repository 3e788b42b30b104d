// A replay only reads production's Redis: every key is byte-identical before and after (its
// DUMP and its TTL), no script is loaded or run, no command Redis ran for it writes; and a
// production Redis whose user may only read (ACL +@read) serves a replay.
import assert from "node:assert/strict";
import { test } from "node:test";
import Redis from "ioredis";
import { copyFixture, type Workspace } from "../runtime/workspace";
import { collectOutput, launch, stoppedAt } from "../debug-adapter/dap-helpers";
import { deploy, fileTestRedis, queueManager, startWorker, stepgraph, stopWorkers, submit, waitForRest } from "./production-harness";

const redis = fileTestRedis();

/** A dead job (n = 12) and a finished one (n = 1) of replayed.graph, the workers stopped; resolves to their ids. */
async function deadAndDone(ws: Workspace): Promise<[string, string]> {
  deploy("replayed.graph", redis.url, ws);
  const workers = await Promise.all(["first", "second"].map((loop) => startWorker(redis.url, ws, "replayed", loop)));
  const { manager, close } = await queueManager(redis.url, "replayed");
  try {
    const [dead, done] = await submit(manager, [{ n: 12 }, { n: 1 }]);
    await waitForRest(manager, 20_000);
    assert.deepEqual((await manager.outcomes([dead, done])).map((o) => o.status), ["dead", "done"]);
    return [dead, done];
  } finally {
    close();
    await stopWorkers(workers);
  }
}

/** Every key with its DUMP (the value's exact bytes, in hex) and its TTL. */
async function snapshot(client: Redis): Promise<Map<string, string>> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await client.scan(cursor, "COUNT", 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  const entries = await Promise.all(keys.sort().map(async (key): Promise<[string, string]> => [key, `${(await client.dumpBuffer(key))?.toString("hex")} ttl ${await client.pttl(key)}`]));
  return new Map(entries);
}

/** The commands Redis ran since the last CONFIG RESETSTAT (INFO commandstats), by name. */
async function commandsRun(client: Redis): Promise<string[]> {
  const stats = await client.info("commandstats");
  return [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => m[1]);
}

test("a replay writes nothing to production's Redis: every key byte-identical, no script, only commands that read", async (t) => {
  const ws = copyFixture("replay", "production");
  const [dead, done] = await deadAndDone(ws);
  // Nothing expires meanwhile (the clock is not what is compared): the test takes the TTLs off first.
  for (const key of await redis.client.keys("*")) if ((await redis.client.pttl(key)) > 0) await redis.client.persist(key);
  await redis.client.script("FLUSH");
  const before = await snapshot(redis.client);
  assert.ok(before.size > 5, `${before.size} keys`);
  await redis.client.config("RESETSTAT");

  const cli = stepgraph(["run", ws.path("replayed.graph"), "--replay", dead, "--redis-prod", redis.url], redis.url, ws);
  assert.equal(cli.status, 1, cli.stderr);
  assert.match(cli.stdout, /^outcome: node 'checked' failed here too: refusing 13$/m);
  const finished = stepgraph(["run", ws.path("replayed.graph"), "--replay", done, "--input", '{"n": 1}', "--redis-prod", redis.url], redis.url, ws);
  assert.equal(finished.status, 0, finished.stderr);
  const client = await launch(t, { graph: ws.path("replayed.graph"), cwd: ws.dir, replay: { job: dead, redisUrl: redis.url } });
  const output = collectOutput(client);
  assert.deepEqual(Object.values(await stoppedAt(client)).slice(0, 2), ["exception", "node 'checked' failed in production"]);
  const terminated = client.waitForEvent("terminated");
  await client.setExceptionBreakpointsRequest({ filters: [] });
  await client.continueRequest({ threadId: 1 });
  await terminated;
  assert.ok(output.some((line) => /graph finished with failures/.test(line)), output.join(""));
  await client.disconnectRequest({});

  const ran = await commandsRun(redis.client);
  for (const command of ran) {
    if (command === "config|resetstat" || command === "info") continue;
    const [[, , flags]] = (await redis.client.command("INFO", command)) as [string, number, string[]][];
    assert.ok(!flags.includes("write"), `the replay ran ${command}, which writes`);
    assert.doesNotMatch(command, /^(eval|evalsha|script|fcall|function)/, `the replay ran ${command}`);
  }
  assert.ok(ran.includes("hget") && ran.includes("hgetall"), ran.join(", "));
  assert.match(await redis.client.info("memory"), /^number_of_cached_scripts:0\r?$/m);
  assert.deepEqual(await snapshot(redis.client), before);
});

test("a production Redis whose user may only read (ACL +@read) serves a replay of a dead job and of a finished one", async () => {
  const ws = copyFixture("replay", "production");
  const [dead, done] = await deadAndDone(ws);
  await redis.client.acl("SETUSER", "replayer", "reset", "on", ">replay-secret", "~*", "&*", "+@read");
  const url = redis.url.replace("redis://", "redis://replayer:replay-secret@");
  // The user really may not write, nor run a script.
  const asReplayer = new Redis(url, { lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null });
  try {
    await asReplayer.connect();
    await assert.rejects(asReplayer.set("x", "1"), /NOPERM/);
    await assert.rejects(asReplayer.eval("return 1", 0), /NOPERM/);
  } finally {
    asReplayer.disconnect();
  }
  const deadReplay = stepgraph(["run", ws.path("replayed.graph"), "--replay", dead, "--redis-prod", url], redis.url, ws);
  assert.equal(deadReplay.status, 1, deadReplay.stderr);
  assert.match(deadReplay.stdout, /^reused from production: a, info$/m);
  assert.match(deadReplay.stdout, /^outcome: node 'checked' failed here too: refusing 13$/m);
  assert.doesNotMatch(deadReplay.stderr, /NOPERM|ready check/i);
  const doneReplay = stepgraph(["run", ws.path("replayed.graph"), "--replay", done, "--redis-prod", url, "--json"], redis.url, ws);
  assert.equal(doneReplay.status, 0, doneReplay.stderr);
  assert.deepEqual((JSON.parse(doneReplay.stdout) as { outputs: Record<string, unknown> }).outputs.out, 1);
});
