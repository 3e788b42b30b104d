// What `stepgraph run` shows while the job runs: a line per finished node (name, ran /
// cached / failed, duration, and for one that ran, why), the nodes' logs, and on a
// terminal a live line naming the nodes still running.
import type { FinishedStatus, Orchestrator, OrchestratorEvents } from "../runtime/orchestrator";

interface NodeLine {
  name: string;
  status: FinishedStatus | "not-run";
  durationMs: number;
  /** Why it ran, or the run a cached output came from (run-reason.ts). */
  why?: string;
}

export class RunReporter {
  private readonly finished: NodeLine[] = [];
  private readonly running = new Set<string>();
  private readonly nameWidth: number;
  private readonly live: boolean;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly options: { json: boolean },
  ) {
    this.nameWidth = Math.max(...orchestrator.graph.nodes.map((n) => n.name.length));
    this.live = !options.json && process.stdout.isTTY === true;
    this.on("nodeStarted", ({ node }) => {
      this.running.add(node);
      this.clearLive();
      this.redrawLive();
    });
    this.on("nodeFinished", ({ node, status, durationMs }) => {
      this.running.delete(node);
      const why = orchestrator.state(node).why;
      this.finished.push({ name: node, status, durationMs: Math.round(durationMs * 100) / 100, ...(why === undefined ? {} : { why }) });
      // With --json, stdout holds the JSON alone and the node lines are left out. A node
      // that ran says why after its duration: `ran  12 ms (code: lib/units.ts)`.
      const reason = status === "ran" && why !== undefined ? ` (${why})` : "";
      if (!options.json) this.print(`  ${node.padEnd(this.nameWidth)}  ${status.padEnd(7)}  ${formatDuration(durationMs)}${reason}`);
    });
    this.on("log", ({ node, level, text }) => {
      const tag = level === "log" ? "" : `${level}: `;
      for (const line of text.split("\n")) this.print(`  [${node}] ${tag}${line}`, level !== "log" || options.json);
    });
  }

  /** Every node of the graph in finishing order; nodes that never ran (a node they need failed) come last. */
  nodes(): NodeLine[] {
    const seen = new Set(this.finished.map((n) => n.name));
    const notRun = this.orchestrator.graph.nodes.filter((n) => !seen.has(n.name)).map((n): NodeLine => ({ name: n.name, status: "not-run", durationMs: 0 }));
    return [...this.finished, ...notRun];
  }

  /** The error of each failed node, with its stack; the nodes not run because of one, by name. */
  printFailures(): void {
    for (const line of this.finished.filter((n) => n.status === "failed")) {
      const error = this.orchestrator.state(line.name).error;
      process.stderr.write(`\nnode '${line.name}' failed: ${error?.stack ?? error?.message}\n`);
    }
    // A replay's nodes out of reach are not run by design: the replay's summary names them.
    const notRun = this.nodes().filter((n) => n.status === "not-run" && this.orchestrator.state(n.name).outOfReach === undefined);
    if (notRun.length > 0) process.stderr.write(`\nnot run because a node they need failed: ${notRun.map((n) => n.name).join(", ")}\n\n`);
  }

  dispose(): void {
    this.clearLive();
    this.listeners.forEach((off) => off());
  }

  private on<E extends keyof OrchestratorEvents>(event: E, listener: (...args: OrchestratorEvents[E]) => void): void {
    // EventEmitter's typed overloads do not narrow a generic event name; the signature above does.
    const untyped = listener as (...args: unknown[]) => void;
    this.orchestrator.on(event, untyped as never);
    this.listeners.push(() => this.orchestrator.off(event, untyped as never));
  }

  /** JSON mode keeps stdout for the JSON; everything else goes to stderr there. */
  private print(line: string, toStderr = false): void {
    this.clearLive();
    (this.options.json || toStderr ? process.stderr : process.stdout).write(`${line}\n`);
    this.redrawLive();
  }

  private redrawLive(): void {
    if (this.live && this.running.size > 0) process.stdout.write(`  … running ${[...this.running].join(", ")}`);
  }

  private clearLive(): void {
    if (this.live) process.stdout.write("\r\x1b[K");
  }
}

function formatDuration(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
