// The messages between the graph view's panel (src/extension/views) and its webview. The
// webview talks to the extension by these only; both sides import the types from here.
import type { GraphPicture } from "../graph/picture";
import type { RunView } from "../runtime/run-view";

/** One production loop's figures, from `stepgraph status NAME --json`. */
export interface LoopStats {
  name: string;
  waiting: number;
  inFlight: number;
  /** Jobs per second over the last 10 to 20 seconds (the CLI's `throughput`). */
  rate: number;
}

export type ExtensionMessage =
  | { type: "picture"; picture: GraphPicture | null; errorCount: number }
  | { type: "runView"; view: RunView | null }
  /** null: no figures (Production off, the graph not deployed, Redis not answering: `message` says which). */
  | { type: "loopStats"; loops: LoopStats[] | null; message?: string }
  /** Whether Production is on, as the extension has it (it may refuse to turn it on). */
  | { type: "production"; on: boolean };

export type WebviewMessage =
  | { type: "ready" }
  /** Zero-based line of the graph file to show in its editor. */
  | { type: "reveal"; line: number }
  | { type: "production"; on: boolean };

/** A message from the webview, checked: it is the one side the extension does not control. */
export function webviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "ready":
      return { type: "ready" };
    case "reveal":
      return Number.isInteger(message.line) && (message.line as number) >= 0 ? { type: "reveal", line: message.line as number } : undefined;
    case "production":
      return typeof message.on === "boolean" ? { type: "production", on: message.on } : undefined;
    default:
      return undefined;
  }
}
