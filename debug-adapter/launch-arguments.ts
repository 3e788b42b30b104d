// The launch configuration of a `stepgraph` debug session (debugger.md, "Launch configuration").
import type { DebugProtocol } from "@vscode/debugprotocol";

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** Path of the .graph file. */
  graph: string;
  /** The job's payload. */
  input?: Record<string, unknown>;
  /** A JSON file holding the payload. */
  inputFile?: string;
  /** Stop before the first node (default true). */
  stopOnEntry?: boolean;
  cache?: "use" | "refresh" | "off";
  /** Overrides the setting and STEPGRAPH_REDIS_URL; also `private` or `memory`. */
  redisUrl?: string;
  /** The workspace folder, whose .stepgraph/ holds bundles and a private Redis's data (default: the graph's folder). */
  cwd?: string;
  /** Default TTL of cached outputs in milliseconds. */
  defaultTtlMs?: number;
  /** Node host processes (default: the CPU count). */
  poolSize?: number;
}
