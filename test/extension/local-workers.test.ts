// Start/Stop Local Workers' process handling, with a stand-in for `stepgraph worker` (the
// real one needs Redis and a deployed graph): output tagged per loop, SIGTERM and waiting,
// SIGKILL after the grace period, and a worker that exits on its own.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { LocalWorkers, type LocalWorker } from "../../src/extension/local-workers";
import type { ProductionRedis } from "../../src/extension/production-arguments";
import { startedWorkersMessage, stoppedWorkersMessage, unexpectedExitMessage } from "../../src/extension/worker-messages";

const scratch = mkdtempSync(join(tmpdir(), "stepgraph-workers-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Prints its arguments and key, then behaves as FAKE_WORKER says: graceful, stubborn (ignores SIGTERM) or crash. */
const fakeWorker = join(scratch, "fake-worker.js");
writeFileSync(
  fakeWorker,
  `const mode = process.env.FAKE_WORKER;
const loop = process.argv[process.argv.indexOf("--loop") + 1];
if (mode === "crash") {
  process.stderr.write("stepgraph: worker: the deploy key does not verify version 3\\n");
  process.exit(2);
}
process.on("SIGTERM", () => {
  if (mode === "stubborn") return;
  process.stdout.write("finishing 1 job in flight\\n");
  setTimeout(() => process.exit(0), 50);
});
process.stdout.write("args: " + process.argv.slice(2).join(" ") + "\\nkey: " + process.env.STEPGRAPH_DEPLOY_KEY + ", as node: " + process.env.ELECTRON_RUN_AS_NODE + "\\n");
process.stderr.write("ready " + loop + "\\n");
setInterval(() => {}, 1000);
`,
);

const redis: ProductionRedis = { args: ["--redis", "redis://u:pw@queues:6380"], label: "redis://u:***@queues:6380" };

class RecordingLog {
  readonly lines: string[] = [];
  private waiters: { pattern: RegExp; resolve: () => void }[] = [];
  info = (line: string) => this.add(`info ${line}`);
  warn = (line: string) => this.add(`warn ${line}`);

  /** Resolves once a line matching `pattern` was logged. */
  waitFor(pattern: RegExp): Promise<void> {
    if (this.lines.some((line) => pattern.test(line))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  private add(line: string): void {
    this.lines.push(line);
    for (const waiter of this.waiters.filter((w) => w.pattern.test(line))) waiter.resolve();
    this.waiters = this.waiters.filter((w) => !w.pattern.test(line));
  }
}

function startWorkers(workers: LocalWorkers, loops: string[], mode: string) {
  return workers.start({ graph: "orders", loops, redis, cwd: scratch, env: { STEPGRAPH_DEPLOY_KEY: "k3y", FAKE_WORKER: mode } });
}

describe("LocalWorkers", () => {
  test("one worker per loop, its lines tagged with the loop; SIGTERM lets it finish and exit", async () => {
    const log = new RecordingLog();
    const unexpected: LocalWorker[] = [];
    const workers = new LocalWorkers(fakeWorker, log, (worker) => unexpected.push(worker));
    const started = startWorkers(workers, ["intake", "billing"], "graceful");
    assert.deepEqual(
      started.map((w) => [w.graph, w.loop, typeof w.pid]),
      [
        ["orders", "intake", "number"],
        ["orders", "billing", "number"],
      ],
    );
    await Promise.all([log.waitFor(/ready intake/), log.waitFor(/ready billing/)]);
    assert.deepEqual(workers.running("orders").map((w) => w.loop), ["intake", "billing"]);
    assert.deepEqual(workers.running("other"), []);

    assert.ok(log.lines.includes("info [worker intake] args: worker --graph orders --loop intake --redis redis://u:pw@queues:6380"));
    assert.ok(log.lines.includes("info [worker billing] key: k3y, as node: 1"));
    assert.ok(log.lines.includes("warn [worker billing] ready billing"));
    // The log names the command without the Redis password.
    assert.ok(log.lines.some((line) => /^info \[worker intake\] started \(pid \d+\): stepgraph worker --graph orders --loop intake --redis redis:\/\/u:\*\*\*@queues:6380$/.test(line)));

    const report = await workers.stopAll(5000);
    assert.deepEqual(report.stopped.map((w) => w.loop), ["intake", "billing"]);
    assert.deepEqual(report.killed, []);
    assert.ok(log.lines.includes("info [worker intake] finishing 1 job in flight"));
    assert.ok(log.lines.includes("info [worker intake] exited with code 0"));
    assert.deepEqual(workers.running(), []);
    assert.deepEqual(unexpected, [], "a requested stop is not an unexpected exit");
  });

  test("a worker that outlasts the grace period is killed", async () => {
    const log = new RecordingLog();
    const workers = new LocalWorkers(fakeWorker, log);
    startWorkers(workers, ["intake"], "stubborn");
    await log.waitFor(/ready intake/);
    const report = await workers.stopAll(300);
    assert.deepEqual(report.killed.map((w) => w.loop), ["intake"]);
    assert.ok(log.lines.includes("warn [worker intake] still running after 0.3 s: killed"));
    assert.ok(log.lines.includes("warn [worker intake] stopped by SIGKILL"));
    assert.deepEqual(workers.running(), []);
  });

  test("stopping twice sends one SIGTERM and both wait for the same exit", async () => {
    const log = new RecordingLog();
    const workers = new LocalWorkers(fakeWorker, log);
    startWorkers(workers, ["intake"], "graceful");
    await log.waitFor(/ready intake/);
    const [first, second] = await Promise.all([workers.stopAll(5000), workers.stopAll(5000)]);
    assert.deepEqual(first.killed, []);
    assert.deepEqual(second.killed, []);
    assert.equal(log.lines.filter((line) => line.includes("finishing")).length, 1);
  });

  test("a worker that exits on its own is reported with its last stderr line", async () => {
    const log = new RecordingLog();
    const exits: string[] = [];
    const workers = new LocalWorkers(fakeWorker, log, (worker, exit, lastLine) => exits.push(`${worker.graph}/${worker.loop} ${exit}: ${lastLine}`));
    startWorkers(workers, ["billing"], "crash");
    await log.waitFor(/exited with code 2/);
    assert.deepEqual(exits, ["orders/billing exited with code 2: stepgraph: worker: the deploy key does not verify version 3"]);
    assert.deepEqual(workers.running(), []);
    assert.deepEqual(await workers.stopAll(), { stopped: [], killed: [] });
  });
});

describe("worker messages", () => {
  const worker = (graph: string, loop: string): LocalWorker => ({ graph, loop, pid: 1 });

  test("started", () => {
    assert.equal(startedWorkersMessage("orders", 3), "Started 3 local workers for orders");
    assert.equal(startedWorkersMessage("orders", 1), "Started 1 local worker for orders");
  });

  test("stopped, grouped by graph, naming those that were killed", () => {
    const stopped = [worker("orders", "intake"), worker("orders", "billing"), worker("enrich", "fetch")];
    assert.equal(stoppedWorkersMessage({ stopped, killed: [] }, 15_000), "Stopped 3 local workers: orders (intake, billing), enrich (fetch)");
    assert.equal(
      stoppedWorkersMessage({ stopped, killed: [worker("orders", "billing")] }, 15_000),
      "Stopped 3 local workers: orders (intake, billing), enrich (fetch); killed after 15 s without exiting: orders (billing)",
    );
    assert.equal(stoppedWorkersMessage({ stopped: [], killed: [] }, 15_000), "No local workers are running.");
  });

  test("a worker nobody stopped: its exit and last stderr line", () => {
    assert.equal(
      unexpectedExitMessage(worker("orders", "billing"), "exited with code 2", "stepgraph: worker: the deploy key does not verify version 3"),
      "Stepgraph: the local worker of loop billing (orders) exited with code 2: worker: the deploy key does not verify version 3",
    );
    assert.equal(unexpectedExitMessage(worker("orders", "billing"), "stopped by SIGKILL", ""), "Stepgraph: the local worker of loop billing (orders) stopped by SIGKILL");
  });
});
