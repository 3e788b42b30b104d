// What the view's aria-live region says when a new RunView arrives: the nodes whose state
// changed, where the run stopped, that it finished. Only changes are said, a few at most.
import type { RunView } from "../runtime/run-view";
import { stateLine } from "./node-states";
import { format, type ViewStrings } from "./view-strings";

/** More changes than this at once are counted, not named. */
export const MAX_NAMED_CHANGES = 4;

export function announcement(previous: RunView | null, next: RunView | null, strings: ViewStrings): string {
  if (next === null) return "";
  // A new run (or a first view) is compared with nothing: its pending nodes are no news.
  const before = previous !== null && previous.file === next.file ? previous : null;
  const changed: string[] = [];
  for (const [name, node] of Object.entries(next.nodes)) {
    const old = before?.nodes[name];
    if (old === undefined ? node.state === "pending" : old.state === node.state) continue;
    changed.push(format(strings.changed, name, stateLine(node, strings)));
  }
  const parts = changed.length > MAX_NAMED_CHANGES ? [format(strings.manyChanged, changed.length)] : changed;
  if (next.current !== undefined && next.current !== before?.current) parts.push(format(strings.stoppedAt, next.current));
  if (next.finished && !before?.finished) parts.push(strings.finished);
  return parts.join(". ");
}
