// The words the graph view shows and says. The extension localizes them (vscode.l10n) and
// hands them to the webview in its HTML; the webview only fills in the {0}, {1}, ...
import type { PictureNodeKind } from "../graph/picture";
import type { NodeViewState } from "../runtime/run-view";

export interface ViewStrings {
  states: Record<NodeViewState, string>;
  kinds: Record<PictureNodeKind, string>;
  /** "map subgraph": the kind of a subgraph call that maps. */
  mappedSubgraph: string;
  /** "{0} of {1}": a map node's finished elements of its count. */
  progress: string;
  /** "took {0}": a duration. */
  took: string;
  /** "{0} ms", "{0} s", "{0} min {1} s". */
  milliseconds: string;
  seconds: string;
  minutes: string;
  /** "when {0}", "pinned", "output": what a node's tooltip and label note. */
  when: string;
  pinned: string;
  output: string;
  /** "stopped here": said of the current node. */
  current: string;
  /** "{0}: {1}": a node and its new state, announced. */
  changed: string;
  /** "stopped at {0}". */
  stoppedAt: string;
  /** "{0} nodes changed state" when too many to name. */
  manyChanged: string;
  finished: string;
  /** "{0} waiting · {1} in flight · {2} jobs/s". */
  loopStats: string;
  /** "loop {0}: {1}": the figures of a loop drawn without a frame. */
  unframedLoop: string;
  oneError: string;
  errors: string;
  oneErrorNoPicture: string;
  errorsNoPicture: string;
  noPicture: string;
  /** The Production toggle and its tooltip. */
  production: string;
  productionTitle: string;
  /** "graph {0}, {1} nodes": what a screen reader says of the whole picture. */
  pictureLabel: string;
  pictureLabelOneNode: string;
  /** "The layout failed: {0}". */
  layoutFailed: string;
}

/** `template` with {0}, {1}, ... replaced by `args`; a placeholder without an argument stays. */
export function format(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (placeholder, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? placeholder : String(value);
  });
}

/** "850 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(ms: number, strings: Pick<ViewStrings, "milliseconds" | "seconds" | "minutes">): string {
  if (ms < 1000) return format(strings.milliseconds, Math.round(ms));
  if (ms < 60_000) return format(strings.seconds, Math.round(ms / 100) / 10);
  const seconds = Math.round(ms / 1000);
  return format(strings.minutes, Math.floor(seconds / 60), seconds % 60);
}
