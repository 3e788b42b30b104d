// Where Pin Output writes a node's pin file, and the path its `pin:` option names. A node
// that has a pin file keeps it (pinning again rewrites it); otherwise the file is
// pins/GRAPH/NODE.json beside the graph, GRAPH being the graph file's name without
// `.graph`, so that two graphs in one folder with a node of the same name never share one.
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export interface PinLocation {
  /** The pin file's absolute path. */
  file: string;
  /** The path as the `pin:` option writes it: relative to the graph's folder, "./..." or "../...". */
  option: string;
}

/** `currentPin`: the node's pin file as the running graph has it (absolute), when pinned. */
export function pinLocation(graphFile: string, node: string, currentPin?: string): PinLocation {
  const folder = dirname(graphFile);
  const file = currentPin ?? join(folder, "pins", basename(graphFile).replace(/\.graph$/, ""), `${node}.json`);
  return { file, option: optionPath(folder, file) };
}

/** The pin file a `pin:` path of the graph names (as the checker resolves it). */
export function pinFileOf(graphFile: string, option: string): string {
  return resolve(dirname(graphFile), option);
}

function optionPath(folder: string, file: string): string {
  const path = relative(folder, file);
  // Another drive (Windows) has no relative path: the option names it whole.
  if (isAbsolute(path)) return path.split(sep).join("/");
  const slashed = path.split(sep).join("/");
  return slashed.startsWith("../") ? slashed : `./${slashed}`;
}
