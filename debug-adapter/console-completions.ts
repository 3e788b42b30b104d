// The DAP `completions` request (the debug console): the text and cursor it gives, and the
// completion items it answers, translated to and from the runtime's completionsAt.
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Completion, Completions } from "../src/runtime/expression-completions";
import { typeName } from "./values-view";

/** Typing one of these asks the client for completions even without a letter typed. */
export const COMPLETION_TRIGGERS = [".", "["];

/**
 * The text before the cursor, on the request's line (the first when it gives none).
 * `column` converts the client's column to a 1-based one.
 */
export function textBeforeCursor(args: DebugProtocol.CompletionsArguments, column: (clientColumn: number) => number): string {
  const line = args.text.split(/\r?\n/)[(args.line ?? 1) - 1] ?? "";
  return line.slice(0, Math.max(0, column(args.column) - 1));
}

/**
 * The items for the client. `frameNode`: the node whose parameters are in the scope;
 * `column` converts a 1-based column to the client's.
 */
export function completionTargets(completions: Completions, frameNode: string | undefined, column: (debuggerColumn: number) => number): DebugProtocol.CompletionItem[] {
  const start = column(completions.from + 1);
  return completions.items.map((item) => ({ label: item.label, type: itemType(item), detail: detailOf(item, frameNode), start, length: completions.length }));
}

function itemType(item: Completion): DebugProtocol.CompletionItemType {
  switch (item.kind) {
    case "input":
    case "parameter":
      return "variable";
    case "output":
    case "index":
      return "value";
    case "property":
      return "property";
  }
}

function detailOf(item: Completion, frameNode: string | undefined): string {
  switch (item.kind) {
    case "input":
      return "input";
    case "output":
      return `output of node '${item.label}'`;
    case "parameter":
      return frameNode === undefined ? "parameter" : `parameter of node '${frameNode}'`;
    case "property":
    case "index":
      return typeName(item.value);
  }
}
