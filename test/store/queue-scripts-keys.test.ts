// Every queue script touches only the keys it declares in KEYS (docs/production.md, "Scale
// past one Redis"): what Redis Cluster needs of a script, and what servers that enforce
// declared keys refuse otherwise. A redis-server of the test's own records, with MONITOR,
// every command each script runs; COMMAND GETKEYS names the keys of each, which must be
// among the keys its EVALSHA (or EVAL) declared. Each script runs at least once, on the
// paths that write the most: hand-ons of every kind, retries, spreads, burials, a reap that
// returns some jobs and hands one to bury, a release, a dead job retried and one dropped.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import type Redis from "ioredis";
import { QUEUE_SCRIPTS, type QueueScriptName } from "../../src/store/queue-scripts";
import { QueueStore, whenCommitted } from "../../src/store/queue-store";
import { startTestRedis, type TestRedis } from "../redis-harness";

let redis: TestRedis;
before(async () => (redis = await startTestRedis()));
after(() => redis.stop());

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const scriptBySha = new Map(Object.entries(QUEUE_SCRIPTS).map(([name, script]) => [sha1(script.lua), name as QueueScriptName]));

/** A script call as MONITOR saw it: the keys it declared, and each command it ran. */
interface ScriptRun {
  name: string;
  declared: string[];
  commands: string[][];
}

/**
 * An argument as MONITOR shows it, with the escapes Redis writes there (\n, \", \xHH, ...)
 * undone: ioredis undoes only \", and the first call of a script on a connection is an EVAL
 * whose text holds newlines.
 */
function unescapeMonitor(text: string): string {
  const named: Record<string, string> = { n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b", "\\": "\\", '"': '"' };
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_, escape: string) => (escape.length === 3 ? String.fromCharCode(parseInt(escape.slice(1), 16)) : (named[escape] ?? escape)));
}

/** Records the script calls on `redis` while `work` runs. */
async function recordScripts(client: Redis, work: () => Promise<void>): Promise<ScriptRun[]> {
  const monitor = await client.monitor();
  const runs: ScriptRun[] = [];
  const sentinel = `end-of-recording-${Math.random()}`;
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    const command = args[0]?.toLowerCase();
    if (source === "lua") {
      runs.at(-1)?.commands.push(args);
    } else if (command === "evalsha" || command === "eval") {
      const name = scriptBySha.get(command === "eval" ? sha1(unescapeMonitor(args[1])) : args[1]);
      runs.push({ name: name ?? `unknown script ${args[1].slice(0, 40)}`, declared: args.slice(3, 3 + Number(args[2])), commands: [] });
    } else if (command === "echo" && args[1] === sentinel) {
      ended();
    }
  });
  try {
    await work();
    await client.echo(sentinel);
    await end;
  } finally {
    monitor.disconnect();
  }
  return runs;
}

/** The keys of a command as Redis reads its arguments (none for TIME and the like). */
async function keysOf(client: Redis, command: string[]): Promise<string[]> {
  // COMMAND GETKEYS wants arguments; a command without any (TIME) has no keys.
  if (command.length < 2) return [];
  try {
    return (await client.call("COMMAND", "GETKEYS", ...command)) as string[];
  } catch (e) {
    if (e instanceof Error && /no key arguments|Invalid arguments/i.test(e.message)) return [];
    throw e;
  }
}

/** Every key a script run touched that it did not declare, as "script: COMMAND key". */
async function undeclaredKeys(client: Redis, runs: readonly ScriptRun[]): Promise<string[]> {
  const found: string[] = [];
  for (const run of runs) {
    for (const command of run.commands) {
      for (const key of await keysOf(client, command)) {
        if (!run.declared.includes(key)) found.push(`${run.name}: ${command[0]} ${key}`);
      }
    }
  }
  return [...new Set(found)];
}

test("the check sees a key that a script builds from data", async () => {
  const runs = await recordScripts(redis.client, async () => {
    await redis.client.eval("redis.call('SET', KEYS[1] .. ':built', ARGV[1]) return redis.call('GET', KEYS[1])", 1, "stepgraph:{g}:declared", "x");
  });
  assert.deepEqual(await undeclaredKeys(redis.client, runs.map((run) => ({ ...run, name: "probe" }))), ["probe: SET stepgraph:{g}:declared:built"]);
});

test("every queue script touches only the keys it declares", async (t) => {
  const store = await QueueStore.open(redis.url, "g");
  t.after(() => store.close());
  const keys = store.keys;
  const job = (id: string) => JSON.stringify({ id, v: 1, t: 0, q: 0, values: {} });
  const runs = await recordScripts(redis.client, async () => {
    // Versions: storing three with one kept drops the older ones.
    for (let i = 0; i < 3; i++) await store.storeVersion(() => ({ manifest: "{}", artifact: "", signature: "" }), () => "pointer", 1);
    const ids = await store.nextJobIds(8);
    await store.submit(1, new Map([["a", ids.map(job)]]));
    await store.renewLease("a", "w", 10_000);
    const taken = await store.take("a", "w", 8);
    assert.equal(taken.length, 8);
    const [pushed, joined, resulted, retried, delayed, buried, spread, discarded] = taken.reverse();
    const committed = await Promise.all([
      whenCommitted((settled) => store.commit("a", "w", { text: pushed, id: ids[0], version: 1, latencyMs: 5, targets: [{ kind: "push", loop: "b", payload: "p" }] }, 60, settled)),
      whenCommitted((settled) => store.commit("a", "w", { text: joined, id: ids[1], version: 1, latencyMs: 5, targets: [{ kind: "join", loop: "c", payload: "{}", part: "a", expectedParts: 1 }] }, 60, settled)),
      whenCommitted((settled) => store.commit("a", "w", { text: resulted, id: ids[2], version: 1, latencyMs: 5, targets: [{ kind: "result", payload: "{}", part: "a", expectedParts: 1, batch: "batch" }] }, 60, settled)),
    ]);
    assert.deepEqual(committed, [true, true, true]);
    assert.equal(await store.retry("a", "w", retried, `${retried} again`, 0), true);
    assert.equal(await store.retry("a", "w", delayed, `${delayed} later`, 1), true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await store.promoteDue("a"), 1);
    assert.equal(await store.bury("a", "w", { text: buried, id: ids[5], version: 1, batch: "batch" }, '{"loop":"a"}', "{}", 60), true);
    await store.discard("a", "w", discarded);

    // A spread job: one element gathered, one that dies.
    assert.equal(await store.spread("a", "w", { text: spread, id: ids[6], token: "t" }, { resume: "{}", entered: "{}", state: "{}", node: "m" }, ["e0", "e1"]), true);
    await redis.client.lpush(keys.processing("a", "w"), "e0", "e1");
    assert.equal(await store.gather("a", "w", { text: "e0", jobId: ids[6], token: "t", index: 0 }, "r0"), true);
    assert.deepEqual(await store.gatheredJob("a", ids[6], "t"), { entered: "{}", state: "{}", resume: "{}" });
    assert.equal(await store.buryElement("a", "w", { text: "e1", jobId: ids[6], token: "t", version: 1 }, '{"loop":"a"}', "{}", 60), true);

    // A worker whose lease expired with two jobs, one of which saw 3 deaths already; one that left.
    await store.renewLease("a", "gone", 1);
    await redis.client.lpush(keys.processing("a", "gone"), "j-returned", "j-doomed");
    await redis.client.hset(keys.deaths("a"), sha1("j-doomed"), 3);
    await store.renewLease("a", "left", 10_000);
    await store.release("a", "left", 10_000);
    await redis.client.lpush(keys.processing("a", "left"), "j-late");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.reap("a", "w", 3);
    const reaped = await store.reap("a", "w", 3);
    assert.deepEqual(reaped, { returned: 2, doomed: [{ text: "j-doomed", deaths: 4 }] });
    assert.equal(await store.returnJob("a", "w", "j-doomed"), true);
    await store.release("a", "w", 1000);

    // Dead jobs: one retried, one dropped.
    const records = await store.deadRecords();
    assert.equal(await store.resurrect(ids[5], records[ids[5]], 1, [{ loop: "a", job: "again" }]), true);
    assert.equal(await store.dropDead(ids[6], ["c"], 60), true);
    const counts = await store.loopCounts("a");
    assert.equal(counts.recentDone, 3);

    // A capture point: a worker acknowledges it and records a call.
    await store.openCapture("cap", "{}", 5, 60_000);
    assert.equal(await store.ackCapture("cap", "w"), true);
    assert.ok((await store.recordCapture("cap", "{}", 1000)) > 0);
    await store.withdrawCapture("cap");
  });
  const ran = new Set(runs.map((run) => run.name));
  assert.deepEqual(
    Object.keys(QUEUE_SCRIPTS).filter((name) => !ran.has(name)),
    [],
    "every script ran",
  );
  assert.deepEqual(await undeclaredKeys(redis.client, runs), []);
});

/** The hash tag a key carries (what Redis Cluster hashes). */
const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];

test("on a partition's store every script declares that partition's keys alone: one slot; only the versions' script declares the graph's own", async (t) => {
  const home = await QueueStore.open(redis.url, "p");
  t.after(() => home.close());
  const store = home.partitionStore(2);
  const job = (id: string) => JSON.stringify({ id, v: 1, t: 0, q: 0, values: {} });
  const runs = await recordScripts(redis.client, async () => {
    for (let i = 0; i < 3; i++) await home.storeVersion(() => ({ manifest: "{}", artifact: "", signature: "" }), () => "pointer", 1, 3);
    await store.submit(1, new Map([["a", ["1@2", "2@2", "3@2"].map(job)]]));
    await store.renewLease("a", "w", 10_000);
    const [pushed, resulted, retried] = (await store.take("a", "w", 3)).reverse();
    await whenCommitted((settled) => store.commit("a", "w", { text: pushed, id: "1@2", version: 1, latencyMs: 5, targets: [{ kind: "join", loop: "c", payload: "{}", part: "a", expectedParts: 2 }] }, 60, settled));
    await whenCommitted((settled) => store.commit("a", "w", { text: resulted, id: "2@2", version: 1, latencyMs: 5, targets: [{ kind: "result", payload: "{}", part: "a", expectedParts: 1, batch: "batch" }] }, 60, settled));
    await store.retry("a", "w", retried, `${retried} again`, 0);
    await store.promoteDue("a");
    await store.reap("a", "w", 3);
    await store.release("a", "w", 1000);
  });
  const declared = runs.map((run) => [run.name, [...new Set(run.declared.map(hashTag))]]);
  assert.deepEqual(
    declared.filter(([name]) => name !== "dropVersions"),
    declared.filter(([name]) => name !== "dropVersions").map(([name]) => [name, ["p:2"]]),
  );
  const drops = declared.filter(([name]) => name === "dropVersions");
  assert.equal(drops.length, 2, "two deploys each dropped the one before");
  assert.deepEqual(drops, drops.map(() => ["dropVersions", ["p"]]));
  assert.equal(await redis.client.exists("stepgraph:{p:2}:prod:result:2@2"), 1, "the result is in the job's partition");
});
