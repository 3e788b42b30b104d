// `use graph "PATH" as ALIAS`: reading and checking the graph files a graph calls. Each
// subgraph is checked like the graph itself (through the checker handed in, with the same
// readers); a graph that uses itself, directly or through others, is an error.
import { dirname, relative, resolve } from "node:path";
import type { Statement, UseGraphStatement } from "./ast";
import type { CheckResult } from "./checker";
import { Code, error, type Diagnostic } from "./diagnostics";
import type { SourceRead } from "./source-file";

/** Reads a graph file's text by absolute path; the language server passes one that prefers open documents. */
export type GraphSourceReader = (path: string) => SourceRead;

export interface GraphUseInfo {
  statement: UseGraphStatement;
  /** Absolute path of the subgraph's file. */
  file: string;
  /** The subgraph checked; absent when its file could not be read or it is in a cycle of uses. */
  check?: CheckResult;
}

/** What one top-level check shares with the checks of its subgraphs. */
export interface GraphUseSession {
  read: GraphSourceReader;
  /** Each subgraph file is checked once per top-level check. */
  checked: Map<string, CheckResult>;
  /** Files on a cycle of uses, with the cycle (absolute paths, first file repeated at the end). */
  cycles: Map<string, string[]>;
}

export function readGraphUses(
  statements: readonly Statement[],
  file: string,
  /** The files whose checks are under way, outermost first; `file` is the last. */
  stack: readonly string[],
  session: GraphUseSession,
  checkFile: (file: string, text: string, stack: readonly string[]) => CheckResult,
  diagnostics: Diagnostic[],
): GraphUseInfo[] {
  const uses: GraphUseInfo[] = [];
  const dir = dirname(file);
  const shown = (path: string) => relative(dir, path) || path;
  for (const statement of statements) {
    if (statement.kind !== "useGraph") continue;
    if (statement.alias === undefined) {
      diagnostics.push(error(Code.UseGraphWithoutAlias, `a used graph needs an alias: use graph "${statement.path}" as NAME`, statement.range));
    }
    const target = resolve(dir, statement.path);
    const use: GraphUseInfo = { statement, file: target };
    uses.push(use);
    if (!statement.path.endsWith(".graph")) {
      diagnostics.push(error(Code.SubgraphUnreadable, `'${statement.path}' is not a graph file: 'use graph' takes a .graph file`, statement.pathRange));
      continue;
    }
    const onStack = stack.indexOf(target);
    if (onStack !== -1) {
      const cycle = [...stack.slice(onStack), target];
      for (const member of cycle) if (!session.cycles.has(member)) session.cycles.set(member, cycle);
      const message = target === file ? "a graph cannot use itself" : `graphs use each other in a cycle: ${cycle.map(shown).join(" → ")}`;
      diagnostics.push(error(Code.GraphUseCycle, message, statement.pathRange));
      continue;
    }
    let check = session.checked.get(target);
    if (check === undefined) {
      const source = session.read(target);
      if (!source.ok) {
        diagnostics.push(error(Code.SubgraphUnreadable, `graph file '${statement.path}' ${source.message}`, statement.pathRange));
        continue;
      }
      check = checkFile(target, source.text, [...stack, target]);
      session.checked.set(target, check);
    }
    use.check = check;
    const errors = check.diagnostics.filter((d) => d.severity === "error");
    if (errors.length === 0) continue;
    const cycle = session.cycles.get(target);
    if (cycle !== undefined && errors.some((d) => d.code === Code.GraphUseCycle)) {
      diagnostics.push(error(Code.GraphUseCycle, `graphs use each other in a cycle: ${cycle.map(shown).join(" → ")}`, statement.pathRange));
      continue;
    }
    const first = errors[0];
    const count = errors.length === 1 ? "an error" : `${errors.length} errors`;
    diagnostics.push(
      error(
        Code.SubgraphHasErrors,
        `graph file '${statement.path}' has ${count}; the first, at ${first.range.start.line + 1}:${first.range.start.character + 1}: ${first.message}`,
        statement.pathRange,
      ),
    );
  }
  return uses;
}
