// Driving a development session in the tests' own process: opening one on a fixture graph
// (node hosts from dist/, closed after the test), and the stop (or end) an action leads to.
import { once } from "node:events";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { openDevSession, type DevSession } from "../../src/runtime/dev-session";
import type { CacheMode, Orchestrator, OrchestratorEvents } from "../../src/runtime/orchestrator";
import { repoRoot } from "../helpers";
import type { Workspace } from "./workspace";

export type Stop = OrchestratorEvents["stopped"][0];

/** A session on `graph` of `ws` with two node hosts, its cache in memory unless `redisUrl`; closed after the test. */
export async function openSession(t: TestContext, ws: Workspace, graph: string, payload: unknown, options: { redisUrl?: string; cacheMode?: CacheMode } = {}): Promise<DevSession> {
  const redis = options.redisUrl === undefined ? ({ kind: "memory" } as const) : ({ kind: "url", url: options.redisUrl } as const);
  const session = await openDevSession({ graphPath: ws.path(graph), payload, redis, stateDir: ws.stateDir, cacheMode: options.cacheMode ?? "use", hostScript: join(repoRoot, "dist", "node-host.js"), poolSize: 2 });
  t.after(() => session.close());
  return session;
}

/** Runs the action; resolves to the stop it ends at, or "finished". */
export async function stopAfter(orchestrator: Orchestrator, action: () => Promise<void>): Promise<Stop | "finished"> {
  const outcome = Promise.race([once(orchestrator, "stopped").then(([e]) => e as Stop), once(orchestrator, "finished").then(() => "finished" as const)]);
  await action();
  return outcome;
}
