// Production across hosts (docs/production.md, "Many hosts"): Redis and two worker hosts,
// each a network namespace of the test's own (test/netns-harness.ts), every loop of the
// chain graph served on both hosts. Host a's cable is pulled mid-run: nothing tells its
// sockets, its leases expire, and host b's workers return a's jobs to the queue and run
// them. Then the cable goes back in: a's workers reconnect and serve again. Every job's
// result comes out exactly once. A machine that cannot make network namespaces fails this
// test with a message saying so.
import assert from "node:assert/strict";
import { after, test, type TestContext } from "node:test";
import { queueKeys } from "../../src/store/queue-keys";
import type { QueueManager } from "../../src/production/queue-manager";
import { startRedisOn, startTestNetwork, type HostRedis, type TestNetwork } from "../netns-harness";
import { deploy, loopsWorkspace, queueManager, startWorker, stopWorkers, submit, waitFor, waitForRest, type WorkerProcess } from "./production-harness";

const LOOPS = ["first", "second", "third"] as const;
const HOSTS = ["a", "b"] as const;
const keys = queueKeys("chain");
/** The run: jobs arrive 20 every 500 ms; each node takes 0-400 ms (the fixture's jitter). */
const FIRST_BATCH = 400;
const SECOND_BATCH = 200;
const WORKER_ENV = { STEPGRAPH_TEST_JITTER_MS: "400" };
/** What the test promises: a cut host's jobs are run by the other within this long of its lease expiring. */
const TAKEOVER_MS = 5000;
/**
 * How long the cable stays out: well past the 5 s after which a worker's connection that
 * gets no answer counts as lost (a shorter cut is ridden out by TCP, unnoticed).
 */
const OUTAGE_MS = 15_000;
/** What the test promises: once the cable is back, a's workers are back within this long. */
const RECONNECT_MS = 10_000;

let network: TestNetwork | undefined;
let redis: HostRedis | undefined;
// Should the test end without its own finally (a runner's timeout), its hosts still go.
after(async () => {
  await redis?.stop();
  await network?.stop();
});

interface Worker {
  host: (typeof HOSTS)[number];
  loop: (typeof LOOPS)[number];
  id: string;
  process: WorkerProcess;
}

/** A job seen in one of host a's processing lists after the cut. */
interface HeldJob {
  loop: string;
  id: string;
  seenAt: number;
  /** When it had left its loop (committed by a worker of b). */
  servedAt?: number;
}

/**
 * Polls Redis (every 25 ms, from the test's namespace) for what the cut does: when each of
 * host a's leases expires, which jobs a's processing lists hold, and when each such job has
 * left its loop (in no list of the loop any more: committed). Each poll is one MULTI, so a
 * job moving between two lists is never seen in neither.
 */
class CutWatcher {
  readonly held = new Map<string, HeldJob>();
  readonly expiredAt = new Map<string, number>();
  /** The longest a lease of a's had to run, as seen before the cut: the lease TTL. */
  leaseTtlMs = 0;
  cutAt: number | undefined;
  /** Jobs in each of a's processing lists at the last poll. */
  aHolds: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: HostRedis["client"],
    private readonly workers: readonly Worker[],
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll()).catch(() => undefined);
    }, 25);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  private async poll(): Promise<void> {
    const aWorkers = this.workers.filter((w) => w.host === "a");
    const transaction = this.client.multi();
    for (const w of aWorkers) transaction.pttl(keys.lease(w.loop, w.id)).lrange(keys.processing(w.loop, w.id), 0, -1);
    for (const loop of LOOPS) {
      transaction.lrange(keys.waiting(loop), 0, -1);
      for (const w of this.workers.filter((x) => x.loop === loop)) transaction.lrange(keys.processing(loop, w.id), 0, -1);
    }
    // A poll sent before the cut sees Redis as it was before the cut, whenever it answers.
    const sentAt = Date.now();
    const replies = ((await transaction.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const now = Date.now();
    const afterCut = this.cutAt !== undefined && sentAt >= this.cutAt;
    const holds: number[] = [];
    aWorkers.forEach((w, i) => {
      const pttl = replies[2 * i] as number;
      const jobs = replies[2 * i + 1] as string[];
      holds.push(jobs.length);
      if (!afterCut) this.leaseTtlMs = Math.max(this.leaseTtlMs, pttl);
      else {
        if (pttl === -2 && !this.expiredAt.has(w.loop)) this.expiredAt.set(w.loop, now);
        for (const text of jobs) {
          const id = jobId(text);
          if (!this.held.has(`${w.loop}/${id}`)) this.held.set(`${w.loop}/${id}`, { loop: w.loop, id, seenAt: now });
        }
      }
    });
    this.aHolds = holds;
    let at = 2 * aWorkers.length;
    for (const loop of LOOPS) {
      const inLoop = new Set<string>();
      const lists = 1 + this.workers.filter((x) => x.loop === loop).length;
      for (let i = 0; i < lists; i++) for (const text of replies[at + i] as string[]) inLoop.add(jobId(text));
      at += lists;
      if (afterCut) for (const job of this.held.values()) if (job.loop === loop && job.servedAt === undefined && !inLoop.has(job.id)) job.servedAt = now;
    }
  }
}

function jobId(text: string): string {
  return (JSON.parse(text) as { id: string }).id;
}

/** Every job of the chain graph once: right result, written by one commit, committed once by each loop; no list left, no death counted. */
async function assertExactlyOnce(manager: QueueManager, client: HostRedis["client"], jobs: readonly { id: string; n: number }[]): Promise<void> {
  assert.deepEqual(await manager.store.totals(), { submitted: jobs.length, completed: jobs.length, dead: 0 });
  const outcomes = await manager.outcomes(jobs.map((j) => j.id));
  const wrong = outcomes.filter((o, i) => o.status !== "done" || o.result.c !== 2 * jobs[i].n + 1);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} jobs without their right result`);
  const parts = await Promise.all(jobs.map((j) => client.hget(keys.result(j.id), "parts")));
  assert.deepEqual(parts.map((p, i) => [jobs[i].id, p]).filter(([, p]) => p !== "1"), [], "each result is written by exactly one commit");
  const status = await manager.status();
  for (const loop of status.loops) assert.deepEqual([loop.name, loop.done, loop.waiting, loop.inFlight, loop.delayed], [loop.name, jobs.length, 0, 0, 0], "each loop commits each job once");
  const graphKeys = await client.keys(`${keys.prefix}*`);
  const types = await Promise.all(graphKeys.map((key) => client.type(key)));
  assert.deepEqual(graphKeys.filter((_, i) => types[i] === "list"), [], "no list holds anything (waiting, processing, notify)");
  assert.deepEqual(graphKeys.filter((key) => LOOPS.some((loop) => key === keys.deaths(loop) || key === keys.delayed(loop))), [], "no death counted, nothing delayed");
}

function ms(from: number, to: number): string {
  return `${((to - from) / 1000).toFixed(2)} s`;
}

test("host a's cable pulled mid-run: b runs a's jobs within 5 s of a's leases expiring; cable back: a's workers reconnect and serve; every job exactly once", async (t: TestContext) => {
  network = await startTestNetwork(["redis", ...HOSTS]);
  t.diagnostic(`hosts redis, a and b in network namespaces on ${network.subnet}`);
  redis = await startRedisOn(network.host("redis"));
  const { client, url } = redis;
  const ws = loopsWorkspace();
  deploy("chain.graph", url, ws);
  const workers: Worker[] = [];
  let watcher: CutWatcher | undefined;
  const { manager, close } = await queueManager(url, "chain");
  try {
    for (const host of HOSTS) {
      for (const loop of LOOPS) {
        const worker = await startWorker(url, ws, "chain", loop, { env: WORKER_ENV, spawn: network.host(host).spawn });
        const id = /worker (\S+) serving loop/.exec(worker.output())?.[1];
        assert.ok(id !== undefined, worker.output());
        workers.push({ host, loop, id, process: worker });
      }
    }
    const ofHost = (host: string) => workers.filter((w) => w.host === host);
    watcher = new CutWatcher(client, workers);
    watcher.start();

    const jobs: { id: string; n: number }[] = [];
    const submitJobs = async (from: number, count: number) => {
      for (let n = from; n < from + count; n += 20) {
        const inputs = Array.from({ length: Math.min(20, from + count - n) }, (_, i) => ({ n: n + i }));
        const ids = await submit(manager, inputs);
        jobs.push(...ids.map((id, i) => ({ id, n: inputs[i].n })));
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    const submitting = submitJobs(0, FIRST_BATCH);

    // The cut: once the run is under way and a holds jobs in every loop.
    const w = watcher;
    await waitFor(async () => (await manager.store.totals()).completed >= 40, 30_000, "the run to get going");
    await waitFor(() => w.aHolds.length === LOOPS.length && w.aHolds.every((n) => n > 0), 15_000, "host a to hold jobs in every loop");
    const outputAtCut = ofHost("a").map((x) => x.process.output().length);
    network.host("a").cut();
    const cutAt = Date.now();
    w.cutAt = cutAt;
    t.diagnostic(`cut host a at ${(await manager.store.totals()).completed} of ${FIRST_BATCH} jobs done; lease TTL seen before the cut ${w.leaseTtlMs} ms`);
    assert.ok(w.leaseTtlMs > 0, "a's workers held no lease before the cut");

    // a's leases expire (no renewal gets through); b's reapers return a's jobs; b runs them.
    await waitFor(() => w.expiredAt.size === LOOPS.length && w.held.size > 0 && [...w.held.values()].every((job) => job.servedAt !== undefined), 30_000, "a's leases to expire and its jobs to be served by b");
    for (const loop of LOOPS) {
      const expired = w.expiredAt.get(loop) as number;
      t.diagnostic(`loop ${loop}: a's lease expired ${ms(cutAt, expired)} after the cut`);
      assert.ok(expired - cutAt <= w.leaseTtlMs + 500, `a's lease of loop ${loop} expired ${expired - cutAt} ms after the cut: it was renewed through the cut?`);
    }
    // A job that left a's list before its lease expired was committed by a itself, its commit
    // on the wire as the cable came out; the others were returned and run by b.
    const held = [...w.held.values()];
    const takeovers = held.filter((job) => (job.servedAt as number) >= (w.expiredAt.get(job.loop) as number)).map((job) => ({ ...job, ms: (job.servedAt as number) - Math.max(w.expiredAt.get(job.loop) as number, job.seenAt) }));
    assert.ok(takeovers.length > 0, "b ran none of the jobs a held at the cut");
    const slowest = takeovers.reduce((a, b) => (b.ms > a.ms ? b : a));
    t.diagnostic(`${held.length} jobs held by a after the cut (${LOOPS.map((loop) => `${loop}: ${held.filter((x) => x.loop === loop).length}`).join(", ")}), ${held.length - takeovers.length} of them committed by a as the cut came; the ${takeovers.length} others each served by b within ${slowest.ms} ms of a's lease expiring (the slowest: job ${slowest.id} in ${slowest.loop}); all of them ${ms(cutAt, Math.max(...takeovers.map((x) => x.servedAt as number)))} after the cut`);
    assert.ok(slowest.ms <= TAKEOVER_MS, `job ${slowest.id} of loop ${slowest.loop} was served ${slowest.ms} ms after a's lease expired (at most ${TAKEOVER_MS})`);
    assert.ok(
      ofHost("b").some((x) => /returned \d+ jobs? of a worker whose lease expired/.test(x.process.output())),
      "no worker of b returned a's jobs",
    );

    // The cable back in: a's workers say Redis is back, their leases live again.
    await new Promise((resolve) => setTimeout(resolve, cutAt + OUTAGE_MS - Date.now()));
    network.host("a").restore();
    const restoredAt = Date.now();
    const backAt = new Map<string, number>();
    await waitFor(
      () => {
        ofHost("a").forEach((x, i) => {
          if (!backAt.has(x.loop) && /Redis is back/.test(x.process.output().slice(outputAtCut[i]))) backAt.set(x.loop, Date.now());
        });
        return backAt.size === LOOPS.length;
      },
      RECONNECT_MS + 20_000,
      "a's workers to say Redis is back",
    ).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; since the cut they said:\n${ofHost("a").map((x, i) => x.process.output().slice(outputAtCut[i])).join("")}`);
    });
    const lostAt = ofHost("a").map((x, i) => {
      const since = x.process.output().slice(outputAtCut[i]);
      assert.equal(x.process.child.exitCode, null, `a's worker of ${x.loop} exited: ${x.process.output()}`);
      const lost = /^(\S+) \S+ lost Redis/m.exec(since);
      assert.ok(lost !== null, `a's worker of ${x.loop} never said it lost Redis: ${since}`);
      return Date.parse(lost[1]);
    });
    await waitFor(async () => (await Promise.all(ofHost("a").map((x) => client.pttl(keys.lease(x.loop, x.id))))).every((pttl) => pttl > 0), RECONNECT_MS, "a's leases to be renewed again");
    const leasesAt = Date.now();
    t.diagnostic(`a's workers said they lost Redis ${LOOPS.map((loop, i) => `${loop}: ${ms(cutAt, lostAt[i])}`).join(", ")} after the cut`);
    t.diagnostic(`cable back in after ${ms(cutAt, restoredAt)}; a's workers said Redis is back ${LOOPS.map((loop) => `${loop}: ${ms(restoredAt, backAt.get(loop) as number)}`).join(", ")} after it; their leases live again ${ms(restoredAt, leasesAt)} after it`);
    const slowestBack = Math.max(...backAt.values()) - restoredAt;
    assert.ok(slowestBack <= RECONNECT_MS, `a's workers were back ${slowestBack} ms after the cable (at most ${RECONNECT_MS})`);

    await submitting;
    await waitForRest(manager, 60_000);
    t.diagnostic(`first batch of ${FIRST_BATCH} finished ${ms(cutAt, Date.now())} after the cut`);

    // a serves again: b's workers leave, and a alone runs a second batch.
    assert.deepEqual(await stopWorkers(ofHost("b").map((x) => x.process)), [0, 0, 0]);
    const secondAt = Date.now();
    await submitJobs(FIRST_BATCH, SECOND_BATCH);
    await waitForRest(manager, 60_000);
    t.diagnostic(`second batch of ${SECOND_BATCH}, served by a alone, finished in ${ms(secondAt, Date.now())}`);
    await watcher.stop();
    assert.deepEqual(await stopWorkers(ofHost("a").map((x) => x.process)), [0, 0, 0]);
    await assertExactlyOnce(manager, client, jobs);
  } finally {
    await watcher?.stop();
    close();
    // Workers still running (the test failed) are killed with their hosts.
    await redis.stop();
    redis = undefined;
    await network.stop();
    network = undefined;
  }
});
