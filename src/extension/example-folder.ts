// Where "Stepgraph: Open Example" puts the orders example that ships in the .vsix
// (examples/orders): a folder `orders` in the folder the user picked, copied unless the
// example is already there. Never overwrites: a folder of that name holding anything else is
// left alone. No `vscode` import, so node:test covers it on real folders.
import { cpSync, existsSync, readFileSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import * as l10n from "@vscode/l10n";
import { graphNameOf } from "./graph-name";

/** The example's folder and graph file names, and its `graph NAME`. */
export const EXAMPLE = { folder: "orders", file: "orders.graph", graph: "orders" } as const;

export type ExamplePlacement = { ok: true; folder: string; graphFile: string; copied: boolean } | { ok: false; message: string };

/** Whether `graphFile` is the orders example (or a copy of it, however edited): its file name and `graph orders`. */
export function isExampleGraph(graphFile: string): boolean {
  if (basename(graphFile) !== EXAMPLE.file || !existsSync(graphFile)) return false;
  return graphNameOf(readFileSync(graphFile, "utf8")) === EXAMPLE.graph;
}

/**
 * The example in `picked`: `picked` itself when it is the example's folder, else
 * `picked/orders`, copied there from `source` when it does not exist yet.
 */
export function placeExample(source: string, picked: string): ExamplePlacement {
  for (const folder of [picked, join(picked, EXAMPLE.folder)]) {
    const graphFile = join(folder, EXAMPLE.file);
    if (isExampleGraph(graphFile)) return { ok: true, folder, graphFile, copied: false };
  }
  const folder = join(picked, EXAMPLE.folder);
  if (existsSync(folder)) return { ok: false, message: l10n.t("Stepgraph: {0} exists and does not hold the orders example; pick another folder.", folder) };
  try {
    // A development checkout may hold a .stepgraph/ (bundles, a private Redis's data) in it.
    cpSync(source, folder, { recursive: true, errorOnExist: true, force: false, filter: (path) => !relative(source, path).split(sep).includes(".stepgraph") });
  } catch (e) {
    return { ok: false, message: l10n.t("Stepgraph: the example could not be copied to {0}: {1}", folder, e instanceof Error ? e.message : String(e)) };
  }
  return { ok: true, folder, graphFile: join(folder, EXAMPLE.file), copied: true };
}
