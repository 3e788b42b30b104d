// `stepgraph worker --graph NAME --loop LOOP`: runs one loop of the active version until
// SIGTERM (or SIGINT), then finishes or returns its jobs and exits 0.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { startLeaseKeeper } from "../production/lease-keeper";
import { LoopWorker, WorkerStartError } from "../production/loop-worker";
import { surviveStrayErrors } from "../production/stray-errors";
import { NodeCache } from "../store/node-cache";
import { redactRedisUrl } from "../store/redis-url";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";
import { checkGraphName, deployKey, openProduction, positiveInteger, PRODUCTION_OPTIONS, PRODUCTION_OPTIONS_USAGE, productionRedisUrl, secondsOption } from "./production-options";

/** How long a lease lasts unrenewed, and how often it is renewed: a dead worker's jobs run again within about 4 s. */
const LEASE_TTL_MS = 3000;
const LEASE_RENEW_MS = 1000;
/** The longest a Node timer can wait (2^31 - 1 ms); a longer grace would fire at once. */
const MAX_GRACE_MS = 2 ** 31 - 1;

export const workerCommand: Command = {
  name: "worker",
  summary: "run one production loop of a deployed graph until SIGTERM",
  usage: `Usage: stepgraph worker --graph NAME --loop LOOP [--concurrency N] [--grace SECONDS] [--redis URL]

Loads the graph's active version from Redis (verified with STEPGRAPH_DEPLOY_KEY) and runs
the loop's nodes for each job. On SIGTERM: takes no more jobs, finishes those in flight
within the grace period, returns the rest to the queue, exits 0.

  --graph NAME                 the graph (its 'graph NAME')
  --loop LOOP                  the loop to run ('main' for nodes no loop names)
  --concurrency N              jobs in flight at once (default: the loop's concurrency option)
  --grace SECONDS              how long SIGTERM waits for jobs in flight (default 10)
${PRODUCTION_OPTIONS_USAGE}`,
  async run(args) {
    const { values, positionals } = parseArguments("worker", args, {
      ...PRODUCTION_OPTIONS,
      graph: { type: "string" },
      loop: { type: "string" },
      concurrency: { type: "string" },
      grace: { type: "string" },
    });
    if (positionals.length > 0) throw new UserError(`worker: unexpected '${positionals[0]}' (see 'stepgraph worker --help')`);
    const graph = checkGraphName(values.graph, "worker");
    if (values.loop === undefined) throw new UserError("worker: name the loop with --loop (see 'stepgraph worker --help')");
    const concurrency = values.concurrency === undefined ? undefined : positiveInteger(values.concurrency, "concurrency", 1);
    const graceMs = secondsOption(values.grace, "grace", 10_000);
    if (graceMs > MAX_GRACE_MS) throw new UserError(`--grace is at most ${Math.floor(MAX_GRACE_MS / 1000)} seconds (about 24 days), not '${values.grace}'`);
    const key = deployKey();
    const url = productionRedisUrl(values.redis);

    const connection = await openProduction(graph, url);
    const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    const log = (line: string) => process.stdout.write(`${new Date().toISOString()} [${graph}/${values.loop}] ${line}\n`);
    // Node code runs in this process: its stacks should point into the TypeScript.
    process.setSourceMapsEnabled(true);
    surviveStrayErrors(log);
    const worker = new LoopWorker({
      store: connection.store,
      loop: values.loop,
      workerId,
      concurrency,
      deployKey: key,
      graceMs,
      cache: new NodeCache(connection.store.cacheStorage(redactRedisUrl(url))),
      startLeaseKeeper: (partitions) => startLeaseKeeper({ redisUrl: url, graph, loop: values.loop as string, worker: workerId, partitions, ttlMs: LEASE_TTL_MS, intervalMs: LEASE_RENEW_MS }),
      log,
    });
    try {
      const started = await worker.start();
      log(`worker ${workerId} serving loop '${values.loop}' of '${graph}' (version ${started.version}, concurrency ${started.concurrency}${started.partitions > 1 ? `, ${started.partitions} partitions` : ""}) on ${redactRedisUrl(url)}`);
      let stopping: Promise<{ returned: number }> | undefined;
      // Kept for every signal until the process ends: a second SIGTERM must not kill it mid-release.
      const stop = (signal: string) => {
        if (stopping) {
          log(`${signal}: already stopping`);
          return;
        }
        log(`${signal}: taking no more jobs; waiting up to ${graceMs / 1000} s for those in flight`);
        stopping = worker.stop();
      };
      process.on("SIGTERM", () => stop("SIGTERM"));
      process.on("SIGINT", () => stop("SIGINT"));
      await worker.run();
      const { returned } = await (stopping ?? worker.stop());
      const { done, retried, dead } = worker.finished;
      log(`stopped: ${done} done, ${retried} retried, ${dead} dead; ${returned} returned to the queue`);
      if (worker.failure !== undefined) {
        setTimeout(() => process.exit(), 200).unref();
        return Exit.failed;
      }
      // Node code that ignores its aborted signal may still hold timers: its jobs are back
      // in the queue, so the process need not wait for it.
      setTimeout(() => process.exit(), 200).unref();
      return Exit.ok;
    } catch (e) {
      if (e instanceof WorkerStartError) throw new UserError(`worker: ${e.message}`);
      throw e;
    } finally {
      connection.close();
    }
  },
};
