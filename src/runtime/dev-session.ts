// One development-mode job, wired: the cache's storage found, the graph loaded and built,
// the node hosts ready, the Orchestrator made. The CLI's `run` and the debug adapter both
// start here; close() leaves nothing running.
import { NodeCache } from "../store/node-cache";
import { openCacheStorage, type RedisChoice } from "../store/open-cache-storage";
import type { CacheStorage } from "../store/cache-storage";
import { loadGraph } from "./graph-loader";
import { resolveJobInput } from "./job-input";
import { Orchestrator, type CacheMode } from "./orchestrator";
import { ProcessPool } from "./process-pool";
import type { RecordedJob } from "./recorded-job";
import { replayPlan, type ReplayPlan } from "./replay-plan";

export const DEFAULT_CACHE_TTL_MS = 7 * 24 * 3_600_000;

export interface DevSessionOptions {
  graphPath: string;
  payload: unknown;
  redis: RedisChoice;
  /** The workspace's .stepgraph folder: bundles, and a private Redis's data. */
  stateDir: string;
  cacheMode: CacheMode;
  defaultTtlMs?: number;
  poolSize?: number;
  hostScript?: string;
  stopOnError?: boolean;
  /**
   * A replay of a job production ran: `read` gives what production recorded of it, for the
   * graph's name. `payload` then only fills the inputs production did not record.
   */
  replay?: { read(graph: string): Promise<RecordedJob> };
  /** Start the node hosts with the V8 inspector (for a debugger of node code). */
  inspect?: boolean;
}

export interface DevSession {
  orchestrator: Orchestrator;
  /** The node hosts: their inspectors, for a debugger of node code. */
  pool: ProcessPool;
  /** Where the cache lives, for a status line. */
  cacheDescription: string;
  /** Set when the cache is not where the user would assume (in memory). */
  notice?: string;
  /** For a replay: what it takes from production, and what it cannot. */
  replay?: ReplayPlan;
  close(): Promise<void>;
}

export async function openDevSession(options: DevSessionOptions): Promise<DevSession> {
  // The graph first: a mistake in it is reported without waiting for Redis.
  const loaded = await loadGraph(options.graphPath, { stateDir: options.stateDir });
  const replay = options.replay && replayPlan(loaded.graph, await options.replay.read(loaded.graph.name), options.payload);
  const input = replay?.inputs ?? resolveJobInput(loaded.graph, options.payload);
  let storage: CacheStorage | undefined;
  let notice: string | undefined;
  if (options.cacheMode !== "off") ({ storage, notice } = await openCacheStorage({ choice: options.redis, stateDir: options.stateDir }));
  const pool = new ProcessPool({ size: options.poolSize, hostScript: options.hostScript, inspect: options.inspect });
  pool.warmUp();
  const orchestrator = new Orchestrator(loaded.graph, loaded.modules, input, {
    pool,
    cache: storage ? new NodeCache(storage) : undefined,
    cacheMode: options.cacheMode,
    defaultTtlMs: options.defaultTtlMs ?? DEFAULT_CACHE_TTL_MS,
    stopOnError: options.stopOnError,
    pins: loaded.pins,
    ...(replay ? { recorded: replay.recorded, outOfReach: replay.outOfReach } : {}),
  });
  return {
    orchestrator,
    pool,
    cacheDescription: storage?.description ?? "off",
    ...(notice ? { notice } : {}),
    ...(replay ? { replay } : {}),
    async close() {
      await orchestrator.dispose();
      await storage?.close();
    },
  };
}
