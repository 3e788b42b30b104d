// A production map over 2,000 elements, spread over the workers of its loop: one worker
// against four, on the same private Redis in the same run. Each element waits 10 ms (a call
// to another service, say), and the loop's concurrency is 8, so one worker runs 8 elements
// at once and four run 32. Timed from submit until the job's result is there. Baseline: the
// same job with one worker. Target: four workers finish in less than half the time of one.
// Needs `node esbuild.mjs` (dist/cli.js) and redis-server on PATH; starts its own
// redis-server on a free port and never touches any other Redis.
// Run: node esbuild.mjs && node esbuild.mjs --tests && node out/bench/map-spread.bench.js
// Env: STEPGRAPH_BENCH_ROUNDS (default 3), STEPGRAPH_BENCH_ELEMENTS (default 2000).
import { queueManager, startWorker, stopWorkers, submit, waitForRest, deploy, type WorkerProcess } from "../test/production/production-harness";
import { startTestRedis } from "../test/redis-harness";
import { copyFixture } from "../test/runtime/workspace";
import { machine, median } from "./stats";

const ROUNDS = Number(process.env.STEPGRAPH_BENCH_ROUNDS ?? 3);
const ELEMENTS = Number(process.env.STEPGRAPH_BENCH_ELEMENTS ?? 2000);

async function main(): Promise<void> {
  const redis = await startTestRedis();
  const ws = copyFixture("v2", "production");
  ws.write("bench.graph", `graph pbench\nuse "./nodes.ts"\ninput n\nnode items = numbers(n)\nnode waited = waitTen(map items)\nnode total = sum(waited)\nloop mapping { items, waited, total } [concurrency: 8]\noutput total\n`);
  ws.edit("nodes.ts", (text) => `${text}\nexport async function waitTen(item: number): Promise<number> {\n  await new Promise((resolve) => setTimeout(resolve, 10));\n  return item;\n}\n`);
  const { manager, close } = await queueManager(redis.url, "pbench");
  const timings = new Map<number, number[]>([
    [1, []],
    [4, []],
  ]);
  try {
    deploy("bench.graph", redis.url, ws);
    for (let round = 0; round < ROUNDS; round++) {
      for (const count of round % 2 === 0 ? [1, 4] : [4, 1]) {
        const workers: WorkerProcess[] = await Promise.all(Array.from({ length: count }, () => startWorker(redis.url, ws, "pbench", "mapping")));
        try {
          const started = performance.now();
          const [id] = await submit(manager, [{ n: ELEMENTS }]);
          await waitForRest(manager, 600_000);
          timings.get(count)?.push(performance.now() - started);
          const [outcome] = await manager.outcomes([id]);
          if (outcome.status !== "done" || outcome.result.total !== (ELEMENTS * (ELEMENTS + 1)) / 2) throw new Error(`wrong result: ${JSON.stringify(outcome)}`);
        } finally {
          await stopWorkers(workers);
        }
      }
    }
  } finally {
    close();
    await redis.stop();
  }
  const one = median(timings.get(1) ?? []);
  const four = median(timings.get(4) ?? []);
  console.log(machine());
  console.log(`map over ${ELEMENTS} elements (10 ms each, concurrency 8), median of ${ROUNDS}:`);
  console.log(`  1 worker:  ${Math.round(one)} ms`);
  console.log(`  4 workers: ${Math.round(four)} ms (${(one / four).toFixed(2)}x faster; target: more than 2x)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
