// What the checker, the language server and the debugger need to know of a `use`d module:
// its exported functions with their parameters, signatures, doc comments and locations.
// The reading itself (TypeScript compiler API) lives in module-reader.ts.

export interface ParameterInfo {
  name: string;
  optional: boolean;
  rest: boolean;
}

export interface SourceLocation {
  /** Absolute path of the file that declares it. */
  file: string;
  /** Zero-based line and column. */
  line: number;
  character: number;
}

export interface ExportedMember {
  /** The exported name (after any `export { a as b }` renaming). */
  name: string;
  /** False for an export that cannot be called (a constant, a class, a type only, ...). */
  callable: boolean;
  /** Parameters of the first call signature, in order; empty when not callable. */
  parameters: ParameterInfo[];
  /** A one-line signature for hover and completion, e.g. `quote(order: Order, rates: Rates): Quote`. */
  signature: string;
  /** The doc comment as Markdown, empty when there is none. */
  documentation: string;
  location: SourceLocation;
}

export interface ModuleExports {
  /** Absolute path of the resolved module file (a .ts/.mts/.js/.mjs or a package's entry). */
  file: string;
  exports: ReadonlyMap<string, ExportedMember>;
}

export type ModuleLookup =
  | { ok: true; module: ModuleExports }
  | { ok: false; reason: "not-found" | "unsupported"; message: string };

export interface ModuleReader {
  /**
   * Reads the module that `use "SPECIFIER"` names in a graph file living in `fromDir`:
   * a relative path (.ts .mts .js .mjs) or a package name resolved from `fromDir`.
   * Results are cached and re-read when a file they came from changes.
   */
  read(specifier: string, fromDir: string): ModuleLookup;
}
