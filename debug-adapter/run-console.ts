// What the debug console says about a run: the graph and its cache as it opens, a replay's
// plan, each node's log lines and how it finished (and why it ran), and the job's outputs at
// the end.
import { inspect } from "node:util";
import type { DevSession } from "../src/runtime/dev-session";
import { outOfReachLine, replayHeadline, replayLines } from "../src/runtime/replay-text";

export type ConsoleCategory = "console" | "stdout" | "stderr";

/** Writes the run's lines with `say`, from now until the session closes; `finished` follows the job's end line. */
export function reportRun(session: DevSession, say: (text: string, category: ConsoleCategory) => void, finished: () => void): void {
  const { orchestrator, replay } = session;
  say(`graph '${orchestrator.graph.name}': ${orchestrator.graph.nodes.length} nodes; cache: ${session.cacheDescription}\n`, "console");
  if (session.notice) say(`${session.notice}\n`, "console");
  if (replay) {
    const reused = [...replay.recorded.keys()];
    const lines = [replayHeadline(replay, orchestrator.graph.name), `reused from production: ${reused.length > 0 ? reused.join(", ") : "none"}`, ...replayLines(replay), ...outOfReachLine(replay)];
    say(lines.map((line) => `${line}\n`).join(""), "console");
  }
  orchestrator.on("log", ({ node, level, text }) => say(`[${node}] ${text}\n`, level === "log" ? "stdout" : "stderr"));
  orchestrator.on("nodeFinished", ({ node, status, durationMs }) => {
    const state = orchestrator.state(node);
    const error = status === "failed" ? `: ${state.error?.message}` : "";
    const why = status === "ran" && state.why !== undefined ? ` (${state.why})` : "";
    say(`● ${node} ${status} ${durationMs.toFixed(1)} ms${why}${error}\n`, "console");
  });
  orchestrator.on("nodeCancelled", ({ node, durationMs }) => say(`● ${node} cancelled ${durationMs.toFixed(1)} ms\n`, "console"));
  orchestrator.on("finished", ({ outputs, failed }) => {
    const shown = Object.entries(outputs).map(([name, value]) => `  ${name}: ${inspect(value, { depth: 4, breakLength: 100 }).replace(/\n/g, "\n  ")}`);
    say(`graph ${failed ? "finished with failures" : "finished"}; outputs:\n${shown.join("\n")}\n`, "console");
    finished();
  });
}
