// The pool's warm-up: its hosts start one after another (each once the one before is
// ready), so that Node processes do not boot all at once beside the session; a run asked
// for meanwhile does not wait for the warm-up.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { ProcessPool } from "../../src/runtime/process-pool";
import { encodeValue } from "../../src/runtime/values";
import { isAlive, repoRoot } from "../helpers";

function pool(t: TestContext, size: number): ProcessPool {
  const made = new ProcessPool({ size, hostScript: join(repoRoot, "dist", "node-host.js") });
  t.after(async () => {
    const pids = made.pids;
    await made.close();
    assert.deepEqual(pids.filter(isAlive), [], "every host stopped");
  });
  return made;
}

async function until(what: string, holds: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test("warmUp starts the hosts one by one, each once the one before is ready, until the pool is full", async (t) => {
  const hosts = pool(t, 3);
  hosts.warmUp();
  assert.equal(hosts.pids.length, 1, "one host booting at first");
  await until("two hosts", () => hosts.pids.length === 2);
  await until("three hosts", () => hosts.pids.length === 3);
  // Full: no more are started.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(hosts.pids.length, 3);
});

test("runs asked for during the warm-up start hosts at once, beside the one booting", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-pool-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, "wait.js");
  writeFileSync(bundle, "exports.wait = (ms) => new Promise((resolve) => setTimeout(() => resolve(ms), ms));\n");
  const hosts = pool(t, 2);
  hosts.warmUp();
  const context = { graph: "g", node: "n", jobId: "j", attempt: 1, mode: "dev" as const };
  const runs = [1, 2].map(() => hosts.run({ bundlePath: bundle, exportName: "wait", args: encodeValue([200]), context, onLog: () => undefined }));
  assert.equal(hosts.pids.length, 2, "the second run did not wait for the first host to be ready");
  const outcomes = await Promise.all(runs.map((r) => r.outcome));
  assert.deepEqual(outcomes.map((o) => o.ok), [true, true]);
});
