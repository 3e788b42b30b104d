// What the graph view reads of a stepgraph debug session: the graph file it runs, from its
// resolved launch configuration (the resolver filled `graph` in; a relative path is the
// workspace folder's, as the adapter's cwd is); which session to ask for a graph's RunView;
// a RunView as the adapter sends it, checked; and the one form of a path the view keys its
// panels and RunViews by.
import { isAbsolute, resolve } from "node:path";
import type { RunView } from "../../runtime/run-view";

export function sessionGraphPath(graph: unknown, workspaceFolder: string | undefined): string | undefined {
  if (typeof graph !== "string" || graph.trim() === "") return undefined;
  return isAbsolute(graph) ? resolve(graph) : resolve(workspaceFolder ?? process.cwd(), graph);
}

/**
 * Of the running sessions (each with the graph it runs), the one to ask for `file`'s
 * RunView: the active session when it runs that graph, else the last one started that does.
 */
export function sessionToAsk<S>(file: string, running: readonly { session: S; graph: string }[], active: S | undefined): S | undefined {
  const key = pathKey(file);
  const runningIt = running.filter((entry) => pathKey(entry.graph) === key).map((entry) => entry.session);
  return active !== undefined && runningIt.includes(active) ? active : runningIt.at(-1);
}

/** The body of the adapter's event or response, when it is a RunView (the adapter is another process). */
export function runViewIn(body: unknown): RunView | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const view = body as Partial<RunView>;
  return typeof view.file === "string" && typeof view.nodes === "object" && view.nodes !== null ? (view as RunView) : undefined;
}

/** A path as the view compares it: absolute, and case-folded where the file system is (Windows). */
export function pathKey(path: string, platform: NodeJS.Platform = process.platform): string {
  const absolute = resolve(path);
  return platform === "win32" ? absolute.toLowerCase() : absolute;
}
