// What the graph view writes into each node of the picture for a run's RunView: its state
// classes, the text of its `sg-state` line, its tooltip and what a screen reader says.
// Pure, so that node --test covers it; graph-dom.ts puts it into the SVG.
import type { GraphPicture, PictureNode } from "../graph/picture";
import type { NodeView, NodeViewState, RunView } from "../runtime/run-view";
import { format, formatDuration, type ViewStrings } from "./view-strings";

export const NODE_STATES: readonly NodeViewState[] = ["pending", "running", "ran", "cached", "pinned", "skipped", "failed", "edited", "stale"];

/** The class of a node in `state`; the end-to-end test and the CSS key on it. */
export const stateClass = (state: NodeViewState): string => `sg-state-${state}`;

/** The class of the node the run is stopped at (or inside). */
export const CURRENT_CLASS = "sg-current";

/** Every class this module may put on a node: removed before the next view is applied. */
export const VIEW_CLASSES: readonly string[] = [...NODE_STATES.map(stateClass), CURRENT_CLASS];

export interface NodeDisplay {
  classes: string[];
  /** The `sg-state` line: the state, and a map node's progress ("running · 3 of 5"). */
  stateText: string;
  /** The `<title>`: the call, its notes, the state with the last duration, and why. */
  tooltip: string;
  /** The aria-label. */
  label: string;
}

/** One display per node of the picture; a node the view does not know (added since the run started) shows no state. */
export function nodeDisplays(picture: GraphPicture, view: RunView | null, strings: ViewStrings): Map<string, NodeDisplay> {
  return new Map(picture.nodes.map((node) => [node.name, nodeDisplay(node, view?.nodes[node.name], view?.current === node.name, strings)]));
}

export function nodeDisplay(node: PictureNode, nodeView: NodeView | undefined, current: boolean, strings: ViewStrings): NodeDisplay {
  const notes = [...(node.when === undefined ? [] : [format(strings.when, node.when)]), ...(node.pinned ? [strings.pinned] : []), ...(node.output ? [strings.output] : [])];
  const call = `${node.name} = ${node.callText}`;
  const named = `${node.name}, ${kindText(node, strings)} ${node.callText}`;
  if (nodeView === undefined) {
    return { classes: [], stateText: "", tooltip: [call, ...notes].join("\n"), label: [named, ...notes].join(", ") };
  }
  const stateText = stateLine(nodeView, strings);
  const took = nodeView.durationMs === undefined ? undefined : format(strings.took, formatDuration(nodeView.durationMs, strings));
  const stateWithTime = took === undefined ? stateText : `${stateText} (${took})`;
  return {
    classes: [stateClass(nodeView.state), ...(current ? [CURRENT_CLASS] : [])],
    stateText,
    tooltip: [call, ...notes, stateWithTime, ...(nodeView.why ? [nodeView.why] : [])].join("\n"),
    label: [named, ...notes, stateWithTime, ...(current ? [strings.current] : [])].join(", "),
  };
}

/** The node's kind in words; a subgraph call that maps is a "map subgraph". */
function kindText(node: PictureNode, strings: Pick<ViewStrings, "kinds" | "mappedSubgraph">): string {
  return node.kind === "subgraph" && node.mapped ? strings.mappedSubgraph : strings.kinds[node.kind];
}

/** "cached", or "running · 3 of 5" for a map node under way. */
export function stateLine(nodeView: NodeView, strings: Pick<ViewStrings, "states" | "progress">): string {
  const state = strings.states[nodeView.state];
  return nodeView.elements ? `${state} · ${format(strings.progress, nodeView.elements.finished, nodeView.elements.count)}` : state;
}
