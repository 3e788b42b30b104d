// The name a graph is deployed, submitted to and watched under: its `graph NAME` statement.
// Read with the language's own parser, so comments, strings and odd spacing never fool it.
import { parse } from "../graph/parser";

/** The name of the first `graph NAME` statement, or undefined when the text has none. */
export function graphNameOf(text: string): string | undefined {
  const statement = parse(text).file.statements.find((s) => s.kind === "graph");
  return statement?.kind === "graph" && statement.name.text !== "" ? statement.name.text : undefined;
}
