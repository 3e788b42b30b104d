// Nothing the adapter starts outlives it: killed with -9 while an expression spins in the
// evaluating process, that process goes too (the node hosts' case is test/runtime/node-host.test.ts).
import { DebugClient } from "@vscode/debugadapter-testsupport";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isAlive, repoRoot } from "../helpers";
import { copyFixture } from "../runtime/workspace";

/** The processes whose parent is `pid`, with their command lines (Linux /proc). */
function childrenOf(pid: number): { pid: number; command: string }[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return parent === pid ? [{ pid: Number(name), command: readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ") }] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

test("the evaluating process dies with the adapter, even while an expression spins in it", async (t) => {
  const adapter = spawn(process.execPath, [join(repoRoot, "dist", "cli.js"), "dap", "--server=0"], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, STEPGRAPH_DAP_TOKEN: "orphans" } });
  const started: number[] = [];
  t.after(() => {
    adapter.kill("SIGKILL");
    for (const pid of started) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  });
  let banner = "";
  while (!/listening on 127\.0\.0\.1:(\d+)/.test(banner)) banner += ((await once(adapter.stderr, "data")) as [Buffer])[0].toString();
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);

  const ws = copyFixture("pipeline");
  const client = new DebugClient("node", "", "stepgraph");
  await client.start(port); // its connection ends with the adapter
  await client.initializeRequest();
  const stopped = client.waitForEvent("stopped");
  const launched = client.launchRequest({ graph: ws.path("pipeline.graph"), input: { n: 2 }, redisUrl: "memory", cwd: ws.dir, token: "orphans" } as never);
  await client.configurationDoneRequest();
  await launched;
  await stopped;
  assert.equal((await client.evaluateRequest({ expression: "n + 1", context: "repl" })).body.result, "3");

  const evaluating = childrenOf(adapter.pid as number).filter((child) => /permission/.test(child.command));
  assert.equal(evaluating.length, 1, JSON.stringify(childrenOf(adapter.pid as number)));
  started.push(...childrenOf(adapter.pid as number).map((child) => child.pid));

  // A loop in a promise callback is past vm's timeout; the adapter would kill it after 1 s.
  void client.evaluateRequest({ expression: "Promise.resolve().then(() => { while (true) {} })", context: "repl" }).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  adapter.kill("SIGKILL");
  const deadline = Date.now() + 4000;
  while (isAlive(evaluating[0].pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(!isAlive(evaluating[0].pid), `the evaluating process ${evaluating[0].pid} outlived its adapter`);
});
