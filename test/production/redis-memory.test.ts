// Redis's memory as production mode needs it: an evicting Redis is refused (it would drop
// jobs and leases), and a full one (noeviction) leaves live workers their leases and jobs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestRedis } from "../redis-harness";
import type { CliResult } from "../helpers";
import { deploy, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest } from "./production-harness";

function assertOneLine(result: CliResult, pattern: RegExp): void {
  assert.equal(result.status, 2, `exit ${result.status}: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
}

test("deploy and worker refuse a Redis whose maxmemory-policy evicts, read with CONFIG or, where CONFIG is disabled, INFO", async () => {
  const evicting = await startTestRedis({ args: ["--maxmemory-policy", "allkeys-lru"] });
  const noConfig = await startTestRedis({ args: ["--maxmemory-policy", "volatile-ttl", "--rename-command", "CONFIG", ""] });
  try {
    const ws = loopsWorkspace();
    assertOneLine(stepgraph(["deploy", ws.path("slow.graph")], evicting.url, ws), /maxmemory-policy is allkeys-lru.*noeviction/);
    assertOneLine(stepgraph(["deploy", ws.path("slow.graph")], noConfig.url, ws), /maxmemory-policy is volatile-ttl.*noeviction/);
    assert.equal(await evicting.client.exists("stepgraph:{slow}:prod:active"), 0, "nothing deployed");
    // Deployed while it did not evict; a worker started after the policy changed refuses it.
    await evicting.client.config("SET", "maxmemory-policy", "noeviction");
    deploy("slow.graph", evicting.url, ws);
    await evicting.client.config("SET", "maxmemory-policy", "volatile-lru");
    assertOneLine(stepgraph(["worker", "--graph", "slow", "--loop", "sleeping"], evicting.url, ws), /maxmemory-policy is volatile-lru.*noeviction/);
  } finally {
    await evicting.stop();
    await noConfig.stop();
  }
});

test("a Redis whose policy cannot be read (CONFIG and INFO not granted): deploy and worker warn in one line and go on", async () => {
  const locked = await startTestRedis();
  try {
    await locked.client.call("ACL", "SETUSER", "limited", "on", ">limited-pass", "~*", "&*", "+@all", "-config", "-info");
    const url = `redis://limited:limited-pass@127.0.0.1:${locked.port}`;
    const ws = loopsWorkspace();
    const deployed = stepgraph(["deploy", ws.path("slow.graph")], url, ws);
    assert.equal(deployed.status, 0, deployed.stderr);
    // (ioredis says on its own that it skips its ready check, for want of INFO.)
    assert.match(deployed.stderr, /^stepgraph: warning: could not read Redis's maxmemory-policy .*make sure it is noeviction/m);
    const worker = await startWorker(url, ws, "slow", "sleeping");
    assert.match(worker.output(), /warning: could not read Redis's maxmemory-policy/);
    assert.deepEqual(await stopWorkers([worker]), [0]);
  } finally {
    await locked.stop();
  }
});

test("Redis out of memory (noeviction): leases stay renewed, no job counts a death, the worker says so once, and the jobs finish once memory is freed", async () => {
  const full = await startTestRedis({ args: ["--maxmemory", "12mb", "--maxmemory-policy", "noeviction"] });
  const ws = loopsWorkspace();
  deploy("slow.graph", full.url, ws);
  const { manager, close } = await queueManager(full.url, "slow");
  const worker = await startWorker(full.url, ws, "slow", "sleeping", { args: ["--concurrency", "4"] });
  try {
    await submit(manager, Array.from({ length: 8 }, () => ({ ms: 9000 })));
    await waitFor(async () => (await manager.status()).loops[0].inFlight === 4, 10_000, "jobs in flight");
    // Fill Redis up until it refuses a write; then lower its limit below what it holds, so
    // that the memory freed and taken by clients' buffers does not let small writes through.
    const filler = "x".repeat(64 * 1024);
    let filled = 0;
    for (;;) {
      try {
        await full.client.set(`filler:${filled}`, filler);
        filled++;
      } catch (e) {
        assert.match(String(e), /OOM/);
        break;
      }
    }
    await full.client.config("SET", "maxmemory", "6mb");
    await assert.rejects(full.client.set("probe", "1"), /OOM/);
    // Longer than a lease lasts, while four jobs run: the lease holds.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    assert.equal(await full.client.exists("stepgraph:{slow}:prod:loop:sleeping:deaths"), 0, "no job counted a death");
    assert.doesNotMatch(worker.output(), /returned \d+ jobs? of a worker whose lease expired/);
    assert.equal((await manager.status()).loops[0].workers, 1);
    // The four finish (a commit frees what it moves); the next four cannot be taken, said once.
    await waitFor(async () => (await manager.status()).loops[0].done === 4 && worker.output().includes("Redis is out of memory"), 15_000, "the first jobs done and the worker to say Redis is full");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(worker.output().match(/Redis is out of memory/g)?.length, 1, worker.output());
    assert.doesNotMatch(worker.output(), /lost Redis/);
    for (let n = 0; n < filled; n += 100) await full.client.del(...Array.from({ length: Math.min(100, filled - n) }, (_, i) => `filler:${n + i}`));
    await waitForRest(manager, 30_000);
    assert.deepEqual(await manager.store.totals(), { submitted: 8, completed: 8, dead: 0 });
    assert.match(worker.output(), /Redis has memory again/);
  } finally {
    close();
    await stopWorkers([worker]);
    await full.stop();
  }
});
