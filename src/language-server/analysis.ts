// One analysis (parse + check, with the module reader) per document version, and what the
// features derive from it. Every feature reads the same analysis: there is one parser and
// one checker, those of src/graph.
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Name, NodeStatement, Statement } from "../graph/ast";
import { checkGraph, type CheckResult, type Reference, type SymbolInfo } from "../graph/checker";
import type { GraphSourceReader, GraphUseInfo } from "../graph/graph-uses";
import { statementReferences } from "../graph/condition";
import type { ModuleReader } from "../graph/module-exports";
import { parse, type ParseResult } from "../graph/parser";

/** Who feeds a name and whom it feeds, by name. */
export interface Flow {
  upstream: ReadonlyMap<string, readonly string[]>;
  downstream: ReadonlyMap<string, readonly string[]>;
}

export class Analysis {
  private referencesByName?: Map<Name, Reference>;
  private flowCache?: Flow;
  private usedGraphFilesCache?: ReadonlySet<string>;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly path: string,
    readonly parsed: ParseResult,
    readonly check: CheckResult,
  ) {}

  get text(): string {
    return this.parsed.file.text;
  }

  get statements(): readonly Statement[] {
    return this.parsed.file.statements;
  }

  /** The `graph NAME` of the file, if it has one. */
  get graphName(): string | undefined {
    const graph = this.statements.find((s) => s.kind === "graph");
    return graph?.kind === "graph" ? graph.name.text : undefined;
  }

  /** The reference written at `name`, if that name is a resolved reference. */
  referenceAt(name: Name): Reference | undefined {
    this.referencesByName ??= new Map(this.check.references.map((r) => [r.name, r]));
    return this.referencesByName.get(name);
  }

  /** The symbol `name` declares, when it is the (first) declaration of that symbol. */
  declaredBy(name: Name): SymbolInfo | undefined {
    const symbol = this.check.symbols.get(name.text);
    return symbol?.name === name ? symbol : undefined;
  }

  /** Every place `symbol` is written: its declaration first, then its references in order. */
  occurrences(symbol: SymbolInfo): Name[] {
    const uses = this.check.references.filter((r) => r.symbol === symbol).map((r) => r.name);
    uses.sort((a, b) => a.range.startOffset - b.range.startOffset);
    return [symbol.name, ...uses];
  }

  /** The absolute paths of the `.graph` files this graph uses, directly or through other graphs (read or not). */
  get usedGraphFiles(): ReadonlySet<string> {
    if (this.usedGraphFilesCache) return this.usedGraphFilesCache;
    const files = new Set<string>();
    const visit = (uses: readonly GraphUseInfo[]) => {
      for (const use of uses) {
        if (files.has(use.file)) continue;
        files.add(use.file);
        if (use.check) visit(use.check.graphUses);
      }
    };
    visit(this.check.graphUses);
    this.usedGraphFilesCache = files;
    return files;
  }

  /** The first statement declaring each node. */
  get nodes(): NodeStatement[] {
    return this.statements.filter((s): s is NodeStatement => s.kind === "node" && this.check.symbols.get(s.name.text)?.statement === s);
  }

  /** Upstream and downstream of every input and node, from the arguments and conditions as written. */
  get flow(): Flow {
    if (this.flowCache) return this.flowCache;
    const upstream = new Map<string, string[]>();
    const downstream = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, key: string, value: string) => {
      const list = map.get(key) ?? [];
      if (!list.includes(value)) list.push(value);
      map.set(key, list);
    };
    for (const node of this.nodes) {
      for (const ref of statementReferences(node)) {
        if (this.referenceAt(ref.root) === undefined) continue;
        add(upstream, node.name.text, ref.root.text);
        add(downstream, ref.root.text, node.name.text);
      }
    }
    this.flowCache = { upstream, downstream };
    return this.flowCache;
  }
}

/** Analyses of open documents, one per URI, recomputed when the version changes. */
export class Analyses {
  private readonly byUri = new Map<string, Analysis>();

  constructor(
    private readonly modules: ModuleReader,
    /** Reads the graph files a graph uses; the server's prefers the editor's text of open documents. */
    private readonly graphs?: GraphSourceReader,
  ) {}

  /** The analysis of the document's current version. */
  get(document: TextDocument): Analysis {
    const cached = this.byUri.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const path = pathOfUri(document.uri);
    const parsed = parse(document.getText());
    const analysis = new Analysis(document.uri, document.version, path, parsed, checkGraph(parsed, { path, modules: this.modules, graphs: this.graphs }));
    this.byUri.set(document.uri, analysis);
    return analysis;
  }

  /** The newest analysis there is, possibly of an earlier version; computed only when there is none. */
  latest(document: TextDocument): Analysis {
    return this.byUri.get(document.uri) ?? this.get(document);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /** Forgets the analyses of the graphs that use the graph file at `path`; returns their URIs, to check again. */
  forgetUsersOf(path: string): string[] {
    const users = [...this.byUri.values()].filter((analysis) => analysis.usedGraphFiles.has(path)).map((analysis) => analysis.uri);
    for (const uri of users) this.byUri.delete(uri);
    return users;
  }
}

/**
 * The file path of a document: `use` paths resolve from its folder. A document that is not
 * a file (an untitled buffer) is treated as living in the current folder.
 */
export function pathOfUri(uri: string): string {
  if (uri.startsWith("file:")) {
    try {
      return fileURLToPath(uri);
    } catch {
      // A malformed file URI: fall through to the current folder.
    }
  }
  return resolve(process.cwd(), basename(decodeURIComponent(uri.replace(/^[a-z-]+:/i, ""))) || "untitled.graph");
}
