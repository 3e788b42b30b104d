// Every rule of docs/language.md, over one parsed file. Produces the diagnostics, the
// symbol table and references the language server needs, and, when there are no errors,
// the GraphModel that the runtime runs.
import { dirname, resolve } from "node:path";
import type { Argument, Callee, GraphFile, InputStatement, LoopStatement, Name, NodeStatement, RefExpr, Statement, UseGraphStatement, UseStatement } from "./ast";
import { checkFunctionArguments, checkMapArguments, checkSubgraphArguments } from "./call-arguments";
import { conditionReferences, conditionText, statementReferences } from "./condition";
import { Code, error, limitDiagnostics, omittedSummary, warning, type Diagnostic, type DiagnosticCode } from "./diagnostics";
import { cyclePath, findCycles, topologicalOrder } from "./graph-algorithms";
import { readGraphUses, type GraphSourceReader, type GraphUseInfo, type GraphUseSession } from "./graph-uses";
import { IMPLICIT_LOOP, type ArgumentModel, type ConditionModel, type GraphModel, type LoopModel, type NodeModel } from "./model";
import type { ExportedMember, ModuleLookup, ModuleReader } from "./module-exports";
import { DEFAULT_GRAPH_OPTIONS, DEFAULT_LOOP_OPTIONS, DEFAULT_NODE_OPTIONS, GRAPH_OPTION_SPECS, LOOP_OPTION_SPECS, NODE_OPTION_SPECS, readOptions, type GraphOptions, type NodeOptions, type WrittenNodeOptions } from "./options";
import { parse, type ParseResult } from "./parser";
import { mayBeSkipped } from "./skips";
import { readGraphSource } from "./source-file";
import { didYouMean } from "./suggest";
import type { LineMap } from "./text-range";

export type SymbolKind = "input" | "node" | "loop";

export interface SymbolInfo {
  kind: SymbolKind;
  name: Name;
  statement: Statement;
}

/** A place where a declared name is used: an argument, a condition, an output, a loop member. */
export interface Reference {
  name: Name;
  symbol: SymbolInfo;
}

export interface UseInfo {
  statement: UseStatement;
  /** Absent when no module reader was given. */
  lookup?: ModuleLookup;
}

/** What a node's call resolved to. */
export interface ResolvedCall {
  use: UseInfo;
  member: ExportedMember;
}

export interface CheckResult {
  file: GraphFile;
  /** Syntax and rule diagnostics, in document order; beyond MAX_DIAGNOSTICS_PER_FILE, one saying how many more. */
  diagnostics: Diagnostic[];
  symbols: ReadonlyMap<string, SymbolInfo>;
  references: Reference[];
  uses: UseInfo[];
  calls: ReadonlyMap<NodeStatement, ResolvedCall>;
  /** The `use graph` statements, with the subgraphs checked. */
  graphUses: GraphUseInfo[];
  /** The nodes that call a subgraph, and which. */
  subgraphCalls: ReadonlyMap<NodeStatement, GraphUseInfo>;
  /** The graph's output nodes: the `output` statements, else every node no node uses. */
  outputs: string[];
  /** The runnable graph; only when there are no errors. */
  graph?: GraphModel;
}

export interface CheckOptions {
  /** Path of the `.graph` file; `use` paths resolve from its folder. */
  path: string;
  /** Reads the `use`d modules; without it, calls are not checked against exports. */
  modules?: ModuleReader;
  /** Reads `use graph` files by absolute path; reads them from disk when not given. */
  graphs?: GraphSourceReader;
}

export function checkText(text: string, options: CheckOptions): CheckResult {
  return checkGraph(parse(text), options);
}

export function checkGraph(parsed: ParseResult, options: CheckOptions): CheckResult {
  const session: GraphUseSession = { read: options.graphs ?? readGraphSource, checked: new Map(), cycles: new Map() };
  const path = resolve(options.path);
  return checkWithin(parsed, { ...options, path }, [path], session);
}

/** A graph's references to inputs and nodes, in an argument or its condition. */
interface NodeReference {
  ref: RefExpr;
  symbol: SymbolInfo;
}

function checkWithin(parsed: ParseResult, options: CheckOptions, stack: readonly string[], session: GraphUseSession): CheckResult {
  const { file } = parsed;
  const diagnostics = [...parsed.diagnostics];
  const path = options.path;
  const hasSyntaxErrors = parsed.diagnostics.length > 0;

  const graphStatement = checkGraphStatement(file, parsed.lines, diagnostics);
  const graphName = graphStatement?.name;
  const symbols = declareSymbols(file.statements, diagnostics);
  checkAliases(file.statements, diagnostics);
  const uses = readUses(file.statements, dirname(path), options.modules, diagnostics);
  const graphUses = readGraphUses(
    file.statements,
    path,
    stack,
    session,
    (subPath, text, subStack) => checkWithin(parse(text), { ...options, path: subPath }, subStack, session),
    diagnostics,
  );
  const references: Reference[] = [];
  const nodes = file.statements.filter((s): s is NodeStatement => s.kind === "node" && symbols.get(s.name.text)?.statement === s);
  const nodeIndex = new Map(nodes.map((node, i) => [node.name.text, i]));

  // Calls, their arguments, conditions, and the references of both.
  const calls = new Map<NodeStatement, ResolvedCall>();
  const subgraphCalls = new Map<NodeStatement, GraphUseInfo>();
  const subgraphInputs = new Map<NodeStatement, Map<string, number>>();
  const mapIndexes = new Map<NodeStatement, number>();
  const nodeReferences = nodes.map((): NodeReference[] => []);
  const dependencies = nodes.map((): number[] => []);
  nodes.forEach((node, i) => {
    if (node.call === undefined) return;
    const { callee, args } = node.call;
    const graphUse = subgraphCallee(callee, graphUses, uses, diagnostics);
    if (graphUse) {
      subgraphCalls.set(node, graphUse);
      const inputs = graphUse.check?.file.statements.filter((s): s is InputStatement => s.kind === "input");
      if (inputs) subgraphInputs.set(node, checkSubgraphArguments(callee.fn.text, callee.range, args, inputs, diagnostics));
    } else if (graphUse === undefined) {
      checkFunctionArguments(calleeText(callee), args, diagnostics);
      const resolved = resolveCall(callee, args.length, uses, options.modules !== undefined, diagnostics);
      if (resolved) calls.set(node, resolved);
    }
    const mapIndex = checkMapArguments(args, diagnostics);
    if (mapIndex !== undefined) mapIndexes.set(node, mapIndex);
    for (const ref of statementReferences(node)) {
      const symbol = resolveName(ref.root, symbols, ["input", "node"], "an input or node", Code.UnknownReference, diagnostics);
      if (symbol === undefined) continue;
      references.push({ name: ref.root, symbol });
      nodeReferences[i].push({ ref, symbol });
      const dependency = nodeIndex.get(ref.root.text);
      if (symbol.kind === "node" && dependency !== undefined && !dependencies[i].includes(dependency)) dependencies[i].push(dependency);
    }
  });
  checkSubgraphOutputPaths(nodeReferences.flat(), subgraphCalls, mapIndexes, diagnostics);
  const writtenOptions = nodes.map((node) => readOptions<WrittenNodeOptions>(node.options, NODE_OPTION_SPECS, DEFAULT_NODE_OPTIONS, "node", diagnostics));

  // Edges point from a node to the nodes that use it.
  const dependents = nodes.map((): number[] => []);
  dependencies.forEach((deps, i) => deps.forEach((d) => dependents[d].push(i)));
  for (const cycle of findCycles(nodes.length, dependents)) {
    const first = Math.min(...cycle);
    const names = cyclePath(first, cycle, dependents).map((i) => nodes[i].name.text);
    diagnostics.push(error(Code.NodeCycle, `nodes depend on each other in a cycle: ${names.join(" → ")}`, nodes[first].name.range));
  }

  warnUselessOptionals(nodes, nodeReferences, dependents, diagnostics);

  const outputs = checkOutputs(file.statements, symbols, references, diagnostics);
  const loopOf = checkLoops(file.statements, symbols, references, diagnostics);
  const loopOptions = new Map(
    file.statements
      .filter((s): s is LoopStatement => s.kind === "loop" && symbols.get(s.name.text)?.statement === s)
      .map((loop) => [loop.name.text, readOptions(loop.options, LOOP_OPTION_SPECS, DEFAULT_LOOP_OPTIONS, "loop", diagnostics)]),
  );
  const loopNames = [...new Set([...loopOptions.keys(), ...(nodes.some((n) => !loopOf.has(n.name.text)) ? [IMPLICIT_LOOP] : [])])];
  const loopUpstream = checkLoopCycles(nodes, dependencies, loopOf, loopNames, symbols, diagnostics);

  if (outputs.explicit) {
    nodes.forEach((node, i) => {
      if (dependents[i].length === 0 && !outputs.names.includes(node.name.text)) {
        diagnostics.push(warning(Code.UnusedNode, `node '${node.name.text}' is not used by any node and is not an output`, node.name.range));
      }
    });
  }

  diagnostics.sort((a, b) => a.range.startOffset - b.range.startOffset);
  const outputNames = outputs.explicit ? outputs.names : nodes.filter((_, i) => dependents[i].length === 0).map((n) => n.name.text);
  const hasErrors = hasSyntaxErrors || diagnostics.some((d) => d.severity === "error");
  const { shown, omitted } = limitDiagnostics(diagnostics, parsed.omitted);
  const result: CheckResult = { file, diagnostics: omitted ? [...shown, omittedSummary(omitted)] : shown, symbols, references, uses, calls, graphUses, subgraphCalls, outputs: outputNames };
  if (hasErrors || graphName === undefined || options.modules === undefined) return result;

  // No errors: the runnable model, built on first use (the language server never needs it).
  let model: GraphModel | undefined;
  Object.defineProperty(result, "graph", { enumerable: true, get: () => (model ??= buildModel()) });
  return result;

  function buildModel(): GraphModel {
    const order = topologicalOrder(nodes.length, dependents);
    const models: NodeModel[] = order.map((i) => {
      const node = nodes[i];
      const call = node.call as NonNullable<NodeStatement["call"]>;
      const { pin, ...options } = writtenOptions[i];
      const graphUse = subgraphCalls.get(node);
      const target = graphUse ? subgraphTarget(graphUse, call.args, subgraphInputs.get(node) as Map<string, number>) : functionTarget(call.args, calls.get(node) as ResolvedCall);
      const mapIndex = mapIndexes.get(node);
      const mapped = mapIndex === undefined ? undefined : target.args.indexOf(call.args[mapIndex]);
      const required = nodeReferences[i].filter(({ ref, symbol }) => symbol.kind === "node" && ref.optional === undefined).map(({ ref }) => ref.root.text);
      return {
        name: node.name.text,
        line: node.name.range.start.line,
        ...target.callee,
        args: target.args.map((arg) => argumentModel(arg, symbols)),
        options: options satisfies NodeOptions,
        dependencies: dependencies[i].map((d) => nodes[d].name.text),
        requiredDependencies: dependencies[i].map((d) => nodes[d].name.text).filter((name) => required.includes(name)),
        dependents: dependents[i].map((d) => nodes[d].name.text),
        loop: loopOf.get(node.name.text) ?? IMPLICIT_LOOP,
        statement: node,
        ...(mapped === undefined ? {} : { mapIndex: mapped }),
        ...(node.when ? { when: conditionModel(node, nodeReferences[i]) } : {}),
        ...(pin === undefined ? {} : { pin: resolve(dirname(path), pin) }),
      };
    });
    const loops: LoopModel[] = loopNames.map((name) => ({
      name,
      nodes: models.filter((n) => n.loop === name).map((n) => n.name),
      options: loopOptions.get(name) ?? { ...DEFAULT_LOOP_OPTIONS },
      upstream: [...(loopUpstream.get(name) ?? [])],
      declared: loopOptions.has(name),
    }));
    const loopIndex = new Map(loops.map((loop, i) => [loop.name, i]));
    const loopOrder = topologicalOrder(
      loops.length,
      loops.map((loop) => loops.filter((other) => other.upstream.includes(loop.name)).map((other) => loopIndex.get(other.name) as number)),
    );
    return {
      name: graphName as string,
      file: path,
      partitions: graphStatement?.options.partitions ?? DEFAULT_GRAPH_OPTIONS.partitions,
      inputs: file.statements.flatMap((s) =>
        s.kind === "input" ? [{ name: s.name.text, line: s.name.range.start.line, hasDefault: s.default !== undefined, ...(s.default ? { default: s.default.value } : {}) }] : [],
      ),
      nodes: models,
      nodesByName: new Map(models.map((n) => [n.name, n])),
      outputs: outputs.explicit ? outputs.names : models.filter((n) => n.dependents.length === 0).map((n) => n.name),
      loops: loopOrder.map((i) => loops[i]),
    };
  }
}

type CalleeModel = Pick<NodeModel, "modulePath" | "moduleSpecifier" | "exportName" | "callText" | "function" | "subgraph">;

function functionTarget(args: readonly Argument[], resolved: ResolvedCall): { callee: CalleeModel; args: readonly Argument[] } {
  const lookup = resolved.use.lookup as Extract<ModuleLookup, { ok: true }>;
  const callText = resolved.use.statement.alias ? `${resolved.use.statement.alias.text}.${resolved.member.name}` : resolved.member.name;
  return {
    callee: { modulePath: lookup.module.file, moduleSpecifier: resolved.use.statement.path, exportName: resolved.member.name, callText, function: resolved.member },
    args,
  };
}

/** A subgraph call: its arguments in the subgraph's input order, and a description of the call in place of a function. */
function subgraphTarget(use: GraphUseInfo, args: readonly Argument[], given: ReadonlyMap<string, number>): { callee: CalleeModel; args: readonly Argument[] } {
  const check = use.check as CheckResult;
  const graph = check.graph as GraphModel;
  const alias = (use.statement.alias as Name).text;
  const inputs = graph.inputs.map((input) => input.name).filter((name) => given.has(name));
  const member: ExportedMember = {
    name: alias,
    callable: true,
    parameters: inputs.map((name) => ({ name, optional: false, rest: false })),
    signature: `${alias}(${graph.inputs.map((input) => `${input.name}${input.hasDefault ? "?" : ""}`).join(", ")}): { ${graph.outputs.join(", ")} }`,
    documentation: `graph \`${graph.name}\` (${use.statement.path})`,
    location: { file: use.file, line: 0, character: 0 },
  };
  return {
    callee: {
      modulePath: use.file,
      moduleSpecifier: use.statement.path,
      exportName: alias,
      callText: alias,
      function: member,
      subgraph: { alias, file: use.file, graph, inputs },
    },
    args: inputs.map((name) => args[given.get(name) as number]),
  };
}

function conditionModel(node: NodeStatement, references: readonly NodeReference[]): ConditionModel {
  const condition = (node.when as NonNullable<NodeStatement["when"]>).condition;
  const inCondition = new Set(conditionReferences(condition));
  const read: ConditionModel["references"] = [];
  for (const { ref, symbol } of references) {
    if (!inCondition.has(ref)) continue;
    const existing = read.find((r) => r.name === ref.root.text);
    if (existing) existing.optional &&= ref.optional !== undefined;
    else read.push({ kind: symbol.kind === "input" ? "input" : "node", name: ref.root.text, optional: ref.optional !== undefined });
  }
  return { expr: condition, text: conditionText(condition), references: read };
}

/** The graph's name and options, from its first `graph` statement. */
function checkGraphStatement(file: GraphFile, lines: LineMap, diagnostics: Diagnostic[]): { name: string; options: GraphOptions } | undefined {
  const graphs = file.statements.filter((s) => s.kind === "graph");
  if (graphs.length === 0) {
    // A `graph` line with a syntax error already has its own message.
    if (!/^[ \t]*graph\b/m.test(file.text)) {
      diagnostics.push(error(Code.MissingGraph, "a graph file starts with 'graph NAME'", lines.range(0, file.text.search(/\r|\n|$/))));
    }
    return undefined;
  }
  if (file.statements[0] !== graphs[0]) {
    diagnostics.push(error(Code.MisplacedGraph, "the 'graph' statement must be the first statement", graphs[0].keywordRange));
  }
  for (const extra of graphs.slice(1)) {
    diagnostics.push(error(Code.MisplacedGraph, `a file holds one graph; it is already named '${graphs[0].name.text}'`, extra.keywordRange));
  }
  return { name: graphs[0].name.text, options: readOptions(graphs[0].options, GRAPH_OPTION_SPECS, DEFAULT_GRAPH_OPTIONS, "graph", diagnostics) };
}

/** Inputs, nodes and loops share one namespace; the first declaration of a name wins. */
function declareSymbols(statements: readonly Statement[], diagnostics: Diagnostic[]): Map<string, SymbolInfo> {
  const symbols = new Map<string, SymbolInfo>();
  for (const statement of statements) {
    if (statement.kind !== "input" && statement.kind !== "node" && statement.kind !== "loop") continue;
    const name = statement.name;
    const existing = symbols.get(name.text);
    if (existing) {
      diagnostics.push(
        error(Code.DuplicateName, `'${name.text}' is already declared as ${article(existing.kind)} on line ${existing.name.range.start.line + 1}`, name.range),
      );
      continue;
    }
    symbols.set(name.text, { kind: statement.kind, name, statement });
  }
  return symbols;
}

function readUses(statements: readonly Statement[], dir: string, modules: ModuleReader | undefined, diagnostics: Diagnostic[]): UseInfo[] {
  const uses: UseInfo[] = [];
  for (const statement of statements) {
    if (statement.kind !== "use") continue;
    if (modules === undefined) {
      uses.push({ statement });
      continue;
    }
    const lookup = modules.read(statement.path, dir);
    if (!lookup.ok) {
      diagnostics.push(error(lookup.reason === "not-found" ? Code.ModuleNotFound : Code.UnsupportedModule, lookup.message, statement.pathRange));
    }
    uses.push({ statement, lookup });
  }
  return uses;
}

/** Module aliases and graph aliases share one namespace. */
function checkAliases(statements: readonly Statement[], diagnostics: Diagnostic[]): void {
  const aliases = new Map<string, UseStatement | UseGraphStatement>();
  for (const statement of statements) {
    if ((statement.kind !== "use" && statement.kind !== "useGraph") || statement.alias === undefined) continue;
    const earlier = aliases.get(statement.alias.text);
    if (earlier) {
      diagnostics.push(error(Code.DuplicateAlias, `alias '${statement.alias.text}' is already used on line ${earlier.keywordRange.start.line + 1}`, statement.alias.range));
    } else {
      aliases.set(statement.alias.text, statement);
    }
  }
}

/**
 * The graph a call calls: `ALIAS(...)` for a `use graph` alias. Undefined for a function
 * call; null for a call that names a graph wrongly (reported).
 */
function subgraphCallee(callee: Callee, graphUses: readonly GraphUseInfo[], uses: readonly UseInfo[], diagnostics: Diagnostic[]): GraphUseInfo | null | undefined {
  const byAlias = (alias: string) => graphUses.find((u) => u.statement.alias?.text === alias);
  if (callee.alias) {
    const graphUse = byAlias(callee.alias.text);
    // A module with the same alias is reported as a duplicate alias; calls go to the first.
    const moduleFirst = uses.some((u) => u.statement.alias?.text === callee.alias?.text && u.statement.range.startOffset < (graphUse?.statement.range.startOffset ?? 0));
    if (graphUse === undefined || moduleFirst) return undefined;
    diagnostics.push(
      error(Code.SubgraphCalledWithDot, `'${callee.alias.text}' is a graph, called as ${callee.alias.text}(input: value, ...); it has no functions to call with '.'`, callee.range),
    );
    return null;
  }
  const graphUse = byAlias(callee.fn.text);
  if (graphUse === undefined) return undefined;
  const exporting = uses.filter((u) => u.statement.alias === undefined && u.lookup?.ok && u.lookup.module.exports.has(callee.fn.text));
  if (exporting.length > 0) {
    diagnostics.push(
      error(
        Code.AmbiguousFunction,
        `'${callee.fn.text}' is both the graph used on line ${graphUse.statement.keywordRange.start.line + 1} and a function of '${exporting[0].statement.path}'; rename the graph's alias`,
        callee.fn.range,
      ),
    );
    return null;
  }
  return graphUse;
}

/** `place.region` where `place` calls a subgraph: `region` must be one of its outputs. */
function checkSubgraphOutputPaths(
  references: readonly NodeReference[],
  subgraphCalls: ReadonlyMap<NodeStatement, GraphUseInfo>,
  mapIndexes: ReadonlyMap<NodeStatement, number>,
  diagnostics: Diagnostic[],
): void {
  for (const { ref, symbol } of references) {
    if (symbol.kind !== "node" || ref.path.length === 0) continue;
    const node = symbol.statement as NodeStatement;
    const check = subgraphCalls.get(node)?.check;
    // A mapped subgraph call gives an array of output objects.
    if (check === undefined || mapIndexes.has(node) || check.diagnostics.some((d) => d.severity === "error")) continue;
    const output = ref.path[0];
    if (typeof output === "string" && check.outputs.includes(output)) continue;
    const alias = node.call?.callee.fn.text ?? "";
    diagnostics.push(
      error(
        Code.UnknownSubgraphOutput,
        `'${symbol.name.text}' calls graph '${alias}', which has no output '${output}'${didYouMean(String(output), check.outputs) || ` (its outputs: ${check.outputs.join(", ") || "none"})`}`,
        ref.range,
      ),
    );
  }
}

/** `REF?` on a reference that is never skipped (an input, or a node that can never be skipped) changes nothing. */
function warnUselessOptionals(nodes: readonly NodeStatement[], references: readonly NodeReference[][], dependents: readonly number[][], diagnostics: Diagnostic[]): void {
  const nodeIndex = new Map(nodes.map((node, i) => [node, i]));
  const skippable = mayBeSkipped(
    nodes.map((node) => node.when !== undefined),
    references.map((refs) => refs.flatMap(({ ref, symbol }) => (symbol.kind === "node" && ref.optional === undefined ? [nodeIndex.get(symbol.statement as NodeStatement) as number] : []))),
    dependents,
  );
  for (const { ref, symbol } of references.flat()) {
    if (ref.optional === undefined) continue;
    if (symbol.kind === "input") {
      diagnostics.push(warning(Code.OptionalNeverSkipped, `'${ref.root.text}' is an input, which is never skipped, so '?' changes nothing`, ref.optional));
    } else if (!skippable[nodeIndex.get(symbol.statement as NodeStatement) as number]) {
      diagnostics.push(warning(Code.OptionalNeverSkipped, `node '${ref.root.text}' is never skipped (it has no 'when' and needs no node that may be), so '?' changes nothing`, ref.optional));
    }
  }
}

function resolveCall(callee: Callee, argumentCount: number, uses: readonly UseInfo[], checkExports: boolean, diagnostics: Diagnostic[]): ResolvedCall | undefined {
  const fn = callee.fn.text;
  // A repeated alias is reported where it is declared; calls go to its first module.
  const candidates = callee.alias
    ? uses.filter((u) => u.statement.alias?.text === callee.alias?.text).slice(0, 1)
    : uses.filter((u) => u.statement.alias === undefined);
  if (callee.alias && candidates.length === 0) {
    const aliases = uses.flatMap((u) => (u.statement.alias ? [u.statement.alias.text] : []));
    diagnostics.push(error(Code.UnknownAlias, `no module is used as '${callee.alias.text}'${didYouMean(callee.alias.text, aliases)}`, callee.alias.range));
    return undefined;
  }
  // Without a reader, or when a candidate module failed to load, exports cannot be judged.
  if (!checkExports || candidates.some((u) => !u.lookup?.ok)) return undefined;

  const found = candidates.flatMap((use) => {
    const member = use.lookup?.ok ? use.lookup.module.exports.get(fn) : undefined;
    return member ? [{ use, member }] : [];
  });
  if (found.length === 0) {
    const exported = candidates.flatMap((u) => (u.lookup?.ok ? [...u.lookup.module.exports.keys()] : []));
    const where = callee.alias ? `module '${candidates[0].statement.path}' (as '${callee.alias.text}')` : "no module used without an alias";
    const message = callee.alias ? `${where} does not export '${fn}'` : `${where} exports '${fn}'`;
    diagnostics.push(error(Code.UnknownExport, `${message}${didYouMean(fn, exported)}`, callee.fn.range));
    return undefined;
  }
  if (found.length > 1) {
    const paths = found.map((f) => `'${f.use.statement.path}'`).join(" and ");
    diagnostics.push(error(Code.AmbiguousFunction, `'${fn}' is exported by both ${paths}; give one of them an alias with 'as'`, callee.fn.range));
    return undefined;
  }
  const [{ member }] = found;
  if (!member.callable) {
    diagnostics.push(error(Code.NotAFunction, `'${fn}' is exported by '${found[0].use.statement.path}' but is not a function`, callee.fn.range));
    return undefined;
  }
  const declared = member.parameters.length;
  if (argumentCount > declared && !member.parameters.some((p) => p.rest)) {
    diagnostics.push(
      warning(Code.TooManyArguments, `'${fn}' declares ${declared} parameter${declared === 1 ? "" : "s"} but is called with ${argumentCount} arguments`, callee.range),
    );
  }
  return found[0];
}

function resolveName(
  name: Name,
  symbols: ReadonlyMap<string, SymbolInfo>,
  kinds: readonly SymbolKind[],
  expected: string,
  wrongKind: DiagnosticCode,
  diagnostics: Diagnostic[],
): SymbolInfo | undefined {
  const symbol = symbols.get(name.text);
  if (symbol === undefined) {
    const candidates = [...symbols.values()].filter((s) => kinds.includes(s.kind)).map((s) => s.name.text);
    diagnostics.push(error(Code.UnknownReference, `unknown name '${name.text}': expected ${expected}${didYouMean(name.text, candidates)}`, name.range));
    return undefined;
  }
  if (!kinds.includes(symbol.kind)) {
    diagnostics.push(error(wrongKind, `'${name.text}' is ${article(symbol.kind)}; expected ${expected}`, name.range));
    return undefined;
  }
  return symbol;
}

function checkOutputs(
  statements: readonly Statement[],
  symbols: ReadonlyMap<string, SymbolInfo>,
  references: Reference[],
  diagnostics: Diagnostic[],
): { explicit: boolean; names: string[] } {
  const names: string[] = [];
  let explicit = false;
  for (const statement of statements) {
    if (statement.kind !== "output") continue;
    explicit = true;
    for (const name of statement.names) {
      const symbol = resolveName(name, symbols, ["node"], "a node (outputs are nodes)", Code.OutputNotNode, diagnostics);
      if (symbol === undefined) continue;
      references.push({ name, symbol });
      if (!names.includes(name.text)) names.push(name.text);
    }
  }
  return { explicit, names };
}

/** Loop membership: each member a node, each node in one loop at most. Returns node → loop. */
function checkLoops(statements: readonly Statement[], symbols: ReadonlyMap<string, SymbolInfo>, references: Reference[], diagnostics: Diagnostic[]): Map<string, string> {
  const loopOf = new Map<string, string>();
  for (const loop of statements) {
    if (loop.kind !== "loop" || symbols.get(loop.name.text)?.statement !== loop) continue;
    for (const member of loop.members) {
      const symbol = symbols.get(member.text);
      if (symbol === undefined) {
        const nodes = [...symbols.values()].filter((s) => s.kind === "node").map((s) => s.name.text);
        diagnostics.push(error(Code.LoopMemberNotNode, `loop member '${member.text}' is not a declared node${didYouMean(member.text, nodes)}`, member.range));
        continue;
      }
      if (symbol.kind !== "node") {
        diagnostics.push(error(Code.LoopMemberNotNode, `loop member '${member.text}' is ${article(symbol.kind)}, not a node`, member.range));
        continue;
      }
      references.push({ name: member, symbol });
      const earlier = loopOf.get(member.text);
      if (earlier !== undefined) {
        diagnostics.push(error(Code.NodeInTwoLoops, `node '${member.text}' is already in loop '${earlier}'; a node runs in one loop`, member.range));
        continue;
      }
      loopOf.set(member.text, loop.name.text);
    }
  }
  return loopOf;
}

/** Data flows between loops only forward: report loops that depend on each other in a cycle. */
function checkLoopCycles(
  nodes: readonly NodeStatement[],
  dependencies: readonly number[][],
  loopOf: ReadonlyMap<string, string>,
  loopNames: readonly string[],
  symbols: ReadonlyMap<string, SymbolInfo>,
  diagnostics: Diagnostic[],
): Map<string, Set<string>> {
  const loopIndex = new Map(loopNames.map((name, i) => [name, i]));
  const upstream = new Map(loopNames.map((name) => [name, new Set<string>()]));
  const successors = loopNames.map((): number[] => []);
  nodes.forEach((node, i) => {
    const to = loopOf.get(node.name.text) ?? IMPLICIT_LOOP;
    for (const d of dependencies[i]) {
      const from = loopOf.get(nodes[d].name.text) ?? IMPLICIT_LOOP;
      if (from === to) continue;
      upstream.get(to)?.add(from);
      const [a, b] = [loopIndex.get(from) as number, loopIndex.get(to) as number];
      if (!successors[a].includes(b)) successors[a].push(b);
    }
  });
  for (const cycle of findCycles(loopNames.length, successors)) {
    const first = Math.min(...cycle);
    const names = cyclePath(first, cycle, successors).map((i) => loopNames[i]);
    const declared = names.map((name) => symbols.get(name)).find((symbol) => symbol?.kind === "loop");
    const range = declared ? declared.name.range : nodes[0].name.range;
    diagnostics.push(error(Code.LoopCycle, `loops depend on each other in a cycle: ${names.join(" → ")} (data flows between loops only forward)`, range));
  }
  return upstream;
}

function argumentModel(arg: Argument, symbols: ReadonlyMap<string, SymbolInfo>): ArgumentModel {
  const text = arg.kind === "ref" ? [arg.root.text, ...arg.path].join(".") : JSON.stringify(arg.value);
  if (arg.kind === "literal") return { kind: "literal", value: arg.value, text };
  const kind = symbols.get(arg.root.text)?.kind === "input" ? "input" : "node";
  return { kind, name: arg.root.text, path: arg.path, text, ...(arg.optional ? { optional: true as const } : {}) };
}

function calleeText(callee: Callee): string {
  return callee.alias ? `${callee.alias.text}.${callee.fn.text}` : callee.fn.text;
}

function article(kind: SymbolKind): string {
  return kind === "input" ? "an input" : `a ${kind}`;
}
