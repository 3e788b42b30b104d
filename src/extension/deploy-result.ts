// What `stepgraph deploy FILE --json` reports, read defensively (it comes from another
// process, possibly another version of the CLI), and the message the Deploy Graph command
// shows for it.
import * as l10n from "@vscode/l10n";
import { isRecord, lastJsonValue } from "./cli-json";

export interface DeployedLoop {
  name: string;
  /** Live workers of the loop when the deploy finished. */
  workers: number;
}

export interface DeployResult {
  graph: string;
  version: number;
  loops: DeployedLoop[];
}

/** The deploy's JSON object, or undefined when stdout holds none of the expected shape. */
export function parseDeployResult(stdout: string): DeployResult | undefined {
  const value = lastJsonValue(stdout);
  if (!isRecord(value) || typeof value.graph !== "string" || typeof value.version !== "number" || !Array.isArray(value.loops)) return undefined;
  const loops: DeployedLoop[] = [];
  for (const loop of value.loops) {
    if (!isRecord(loop) || typeof loop.name !== "string") return undefined;
    loops.push({ name: loop.name, workers: typeof loop.workers === "number" ? loop.workers : 0 });
  }
  return { graph: value.graph, version: value.version, loops };
}

/** "Deployed orders version 3: loops intake (0 workers), billing (1 worker)". */
export function deployedMessage(result: DeployResult): string {
  const loops = result.loops.map((loop) => (loop.workers === 1 ? l10n.t("{0} (1 worker)", loop.name) : l10n.t("{0} ({1} workers)", loop.name, loop.workers)));
  if (loops.length === 0) return l10n.t("Deployed {0} version {1}: no loops", result.graph, result.version);
  return l10n.t("Deployed {0} version {1}: loops {2}", result.graph, result.version, loops.join(", "));
}
