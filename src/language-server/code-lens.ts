// CodeLens: above the `graph NAME` line, Run | Debug | Deploy (the extension's commands,
// given the file's URI); above each node line with a cached output, how old it is and how
// long the run that made it took. Which nodes have an output takes one scan of the cache's
// keys when the lenses are asked for; a node's entry (which holds the output, possibly
// large) is read only when the client resolves that lens, as VS Code does for the lenses
// on screen. A pinned node gets no lens: a run uses its pin file, not the cache.
import type { CodeLens } from "vscode-languageserver";
import type { CacheEntry } from "../store/node-cache";
import type { Analysis } from "./analysis";
import type { CachePreviews } from "./cache-preview";
import { formatAge } from "../store/entry-age";
import { toRange } from "./positions";

/** The lenses of the `graph` line: title and the extension's command (which takes the file's URI). */
export const GRAPH_LENS_COMMANDS: readonly { title: string; command: string }[] = [
  { title: "Run", command: "stepgraph.runGraph" },
  { title: "Debug", command: "stepgraph.debugGraph" },
  { title: "Deploy", command: "stepgraph.deployGraph" },
];

/** What an unresolved node lens carries to its resolve request. */
interface NodeLensData {
  graph: string;
  node: string;
}

export async function codeLenses(analysis: Analysis, cache: CachePreviews): Promise<CodeLens[]> {
  const graph = analysis.statements.find((s) => s.kind === "graph");
  if (graph?.kind !== "graph") return [];
  const graphLine = toRange(graph.range);
  const lenses: CodeLens[] = GRAPH_LENS_COMMANDS.map(({ title, command }) => ({ range: graphLine, command: { title, command, arguments: [analysis.uri] } }));
  const cached = await cache.nodesWithEntries(graph.name.text);
  if (cached === undefined) return lenses;
  for (const node of analysis.nodes) {
    if (!cached.has(node.name.text) || node.options.some((o) => o.key.text === "pin")) continue;
    const data: NodeLensData = { graph: graph.name.text, node: node.name.text };
    lenses.push({ range: toRange(node.keywordRange), data });
  }
  return lenses;
}

/** Gives a node lens its title from the node's newest entry; a lens that has one already is returned as it is. */
export async function resolveCodeLens(lens: CodeLens, cache: CachePreviews): Promise<CodeLens> {
  const data = lens.data as Partial<NodeLensData> | undefined;
  if (lens.command || typeof data?.graph !== "string" || typeof data.node !== "string") return lens;
  const entry = await cache.latestEntry(data.graph, data.node);
  // An empty command id makes a lens a label that does nothing when clicked.
  return { range: lens.range, command: { title: entry ? nodeLensTitle(entry, Date.now()) : "cached output: gone or unreadable", command: "" } };
}

/** "cached 5 min ago · ran 120 ms", or "· edited in the debugger" for an output written by an edit. */
export function nodeLensTitle(entry: CacheEntry, now: number): string {
  const how = entry.edited ? "edited in the debugger" : `ran ${Math.round(entry.durationMs)} ms`;
  return `cached ${formatAge(now - entry.createdAt)} · ${how}`;
}
