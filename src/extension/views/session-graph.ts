// What the graph view reads of a stepgraph debug session: the graph file it runs, from its
// resolved launch configuration (the resolver filled `graph` in; a relative path is the
// workspace folder's, as the adapter's cwd is); and the one form of a path the view keys
// its panels and RunViews by.
import { isAbsolute, resolve } from "node:path";

export function sessionGraphPath(graph: unknown, workspaceFolder: string | undefined): string | undefined {
  if (typeof graph !== "string" || graph.trim() === "") return undefined;
  return isAbsolute(graph) ? resolve(graph) : resolve(workspaceFolder ?? process.cwd(), graph);
}

/** A path as the view compares it: absolute, and case-folded where the file system is (Windows). */
export function pathKey(path: string, platform: NodeJS.Platform = process.platform): string {
  const absolute = resolve(path);
  return platform === "win32" ? absolute.toLowerCase() : absolute;
}
