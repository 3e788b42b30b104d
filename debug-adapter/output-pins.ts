// Pin Output and Unpin in the Variables pane. Each output in the Outputs scope carries
// `__vscodeVariableMenuContext`, which VS Code turns into the context key
// `debugProtocolVariableMenuContext` for the extension's menu items: "stepgraphOutput", or
// "stepgraphPinnedOutput" for the output of a pinned node (which gets Unpin as well). The
// custom request stepgraphPinText answers with the text of a pin file holding an output,
// and the graph file and node it belongs to: the extension writes the file and asks the
// language server for the edit of the node's line.
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { NodeModel } from "../src/graph/model";

export const PIN_TEXT_REQUEST = "stepgraphPinText";

export const OUTPUT_MENU_CONTEXT = "stepgraphOutput";
export const PINNED_OUTPUT_MENU_CONTEXT = "stepgraphPinnedOutput";

/** A variable with VS Code's field for contributed menus (not part of DAP itself). */
export type MenuVariable = DebugProtocol.Variable & { __vscodeVariableMenuContext?: string };

/** Which menu items VS Code offers on an output of `node`. */
export function outputMenuContext(node: NodeModel): string {
  return node.pin === undefined ? OUTPUT_MENU_CONTEXT : PINNED_OUTPUT_MENU_CONTEXT;
}

/** What the extension's menu command has: the Outputs scope (its container) and the variable's name. */
export interface PinTextArguments {
  variablesReference: number;
  name: string;
}

export interface PinTextBody {
  /** The node whose output it is. */
  node: string;
  /** The graph file declaring the node (a subgraph's file for a subgraph's output). */
  file: string;
  /** The pin file's text (docs/language.md, "Pins"). */
  text: string;
  /** The node's pin file as the running graph has it (an absolute path), when it is pinned. */
  pin?: string;
}

export const PIN_TEXT_USAGE = `${PIN_TEXT_REQUEST} takes { variablesReference: number, name: string }: the Outputs scope and the name of an output in it`;

export function checkedPinTextArguments(args: unknown): PinTextArguments | undefined {
  const a = (args ?? {}) as Partial<Record<keyof PinTextArguments, unknown>>;
  return typeof a.variablesReference === "number" && typeof a.name === "string" ? { variablesReference: a.variablesReference, name: a.name } : undefined;
}
