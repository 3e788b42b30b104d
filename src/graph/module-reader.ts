// Reads what a `use "SPECIFIER"` statement makes available: the exports of a TypeScript
// or JavaScript module, found with the TypeScript compiler API.
//
// A read builds a small TS.Program rooted at the module (plus the files it imports) and
// asks its TypeChecker for the module's exports. Programs are thrown away after the read;
// what stays is the plain ModuleExports, cached per resolved file together with a stamp
// (mtime and size) of every file that went into it, and the parsed SourceFiles, which the
// next Program reuses while their files are unchanged. A cache hit costs one statSync per
// stamped file, which matters because the language server reads every `use` on every
// keystroke.
import * as fs from "node:fs";
import * as path from "node:path";
import type * as TS from "typescript";
import type { ExportedMember, ModuleExports, ModuleLookup, ModuleReader, ParameterInfo, SourceLocation } from "./module-exports";

/** The extensions a `use` path may have. */
const MODULE_EXTENSIONS: readonly string[] = [".ts", ".mts", ".js", ".mjs"];

/** Extensions TypeScript also tries for an unresolved import written with `from`, e.g. "./x.js" for x.ts. */
const IMPORT_SUBSTITUTES: Readonly<Record<string, readonly string[]>> = {
  ".js": [".ts", ".tsx", ".d.ts"],
  ".mjs": [".mts", ".d.mts"],
  "": [".ts", ".tsx", ".d.ts", ".js", "/index.ts", "/index.js"],
};

/**
 * Declarations of the ECMAScript built-ins (Array, Promise, Record, ...). Without them
 * `...rest: string[]` prints as `{}` and an async function's return type as `unknown`.
 * The full lib.es2023 would cost a parse of ~40 files; these two cover what signatures
 * usually mention. Parsed once per process and shared by every Program.
 */
const LIB_FILE_NAMES = ["lib.es5.d.ts", "lib.es2015.collection.d.ts"];

let loadedCompiler: { ts: typeof TS; options: TS.CompilerOptions } | undefined;

/**
 * The TypeScript compiler and the options of every Program, loaded at the first read that
 * needs them: the compiler is 9 MB to load, and a process whose modules are all in the
 * persisted cache (below) needs it not at all.
 */
function compiler(): { ts: typeof TS; options: TS.CompilerOptions } {
  if (loadedCompiler !== undefined) return loadedCompiler;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed (the shipped bundles require dist/typescript.js, esbuild.mjs)
  const ts = require("typescript") as typeof TS;
  const options: TS.CompilerOptions = {
    allowJs: true,
    checkJs: false,
    // The lib files are passed as root names instead (see sharedLibFiles), so that one parsed copy
    // can be shared and a missing lib (TypeScript bundled without its lib folder) is harmless.
    noLib: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    resolveJsonModule: false,
  };
  loadedCompiler = { ts, options };
  return loadedCompiler;
}

/** The compiler (see compiler()). */
function typescript(): typeof TS {
  return compiler().ts;
}

/** A file's state when it was read; `size` -1 records a file that did not exist. */
interface Stamp {
  file: string;
  mtimeMs: number;
  size: number;
}

interface CacheEntry<T> {
  value: T;
  /** The entry holds while every stamp still matches its file. */
  stamps: readonly Stamp[];
}

/** Where a package specifier led: a file, or a failure to report. */
type PackageResolution = { file: string } | { failure: ModuleLookup };

interface CachedSourceFile {
  sourceFile: TS.SourceFile;
  stamp: Stamp;
  impliedNodeFormat: TS.ResolutionMode;
}

export interface ModuleReaderOptions {
  /**
   * A file that keeps what the reader learned between processes: read when the reader is
   * made, written when it reads a module or resolves a package anew. Each entry still holds
   * only while its stamps match their files, so a warm start whose modules did not change
   * never loads the compiler.
   */
  persistTo?: string;
}

export function createModuleReader(options: ModuleReaderOptions = {}): ModuleReader {
  const persisted = options.persistTo === undefined ? undefined : readPersisted(options.persistTo);
  const modules = new Map<string, CacheEntry<ModuleLookup>>(persisted?.modules);
  const packages = new Map<string, CacheEntry<PackageResolution>>(persisted?.packages);
  const sourceFiles = new Map<string, CachedSourceFile>();
  const persist = () => {
    if (options.persistTo !== undefined) writePersisted(options.persistTo, modules, packages);
  };

  function readPath(specifier: string, fromDir: string): ModuleLookup {
    const extension = path.extname(specifier);
    if (!MODULE_EXTENSIONS.includes(extension)) {
      return unsupported(`unsupported module '${specifier}': a module must be a .ts, .mts, .js or .mjs file`);
    }
    const file = path.resolve(fromDir, specifier);
    const cached = freshValue(modules, file);
    if (cached) return cached;
    // Failures are not cached: finding out that a file is still missing is this one stat.
    const stats = statOrUndefined(file);
    if (!stats) return notFound(`cannot find module '${specifier}' (no file ${file})`);
    if (!stats.isFile()) return notFound(`module '${specifier}' is not a file (${file})`);
    return load(specifier, file);
  }

  function readPackage(specifier: string, fromDir: string): ModuleLookup {
    const key = `${fromDir}\0${specifier}`;
    let resolution = freshValue(packages, key);
    if (!resolution) {
      const entry = resolvePackage(specifier, fromDir);
      packages.set(key, entry);
      persist();
      resolution = entry.value;
    }
    if ("failure" in resolution) return resolution.failure;
    return freshValue(modules, resolution.file) ?? load(specifier, resolution.file);
  }

  /** Reads `file` with a fresh Program and caches the result (but not a read error). */
  function load(specifier: string, file: string): ModuleLookup {
    const built = buildProgram(file, sourceFiles);
    if ("readError" in built) return notFound(`cannot read module '${specifier}' (${file}): ${built.readError}`);
    const exports = collectExports(built.program, file);
    const lookup: ModuleLookup = { ok: true, module: { file, exports } satisfies ModuleExports };
    modules.set(file, { value: lookup, stamps: built.stamps });
    persist();
    return lookup;
  }

  return {
    read(specifier, fromDir) {
      try {
        return isPathSpecifier(specifier) ? readPath(specifier, fromDir) : readPackage(specifier, fromDir);
      } catch (error) {
        // Nothing a user writes should throw out of here (a path with a NUL byte, a
        // compiler crash on odd input, ...); the checker reports it like a missing module.
        return notFound(`cannot read module '${specifier}': ${errorMessage(error)}`);
      }
    },
  };
}

// --- what persists between processes ---------------------------------------------------

declare const PACKAGE_VERSION: string;

/**
 * The persisted file's format: its entries hold for the Stepgraph build that wrote them (its
 * compiler, its way of describing exports), and only while their stamps match.
 */
const PERSISTED_FORMAT = `1:${typeof PACKAGE_VERSION === "string" ? PACKAGE_VERSION : "unbuilt"}`;

interface PersistedReader {
  format: string;
  modules: [string, { exports: [string, ExportedMember][]; stamps: readonly Stamp[] }][];
  packages: [string, CacheEntry<PackageResolution>][];
}

/** The entries of a persisted reader, or none when the file is missing, unreadable, or of another build. */
function readPersisted(file: string): { modules: [string, CacheEntry<ModuleLookup>][]; packages: [string, CacheEntry<PackageResolution>][] } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const persisted = raw as Partial<PersistedReader> | null;
  if (persisted === null || typeof persisted !== "object" || persisted.format !== PERSISTED_FORMAT || !Array.isArray(persisted.modules) || !Array.isArray(persisted.packages)) return undefined;
  return {
    modules: persisted.modules.map(([moduleFile, { exports, stamps }]) => [moduleFile, { value: { ok: true, module: { file: moduleFile, exports: new Map(exports) } }, stamps }]),
    packages: persisted.packages,
  };
}

/** Writes the reader's entries (replacing the file at once: a reader in another process never sees half of it). */
function writePersisted(file: string, modules: ReadonlyMap<string, CacheEntry<ModuleLookup>>, packages: ReadonlyMap<string, CacheEntry<PackageResolution>>): void {
  const persisted: PersistedReader = {
    format: PERSISTED_FORMAT,
    modules: [...modules].flatMap(([moduleFile, { value, stamps }]): PersistedReader["modules"] => (value.ok ? [[moduleFile, { exports: [...value.module.exports], stamps: [...stamps] }]] : [])),
    packages: [...packages],
  };
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, JSON.stringify(persisted));
    fs.renameSync(partial, file);
  } catch {
    // Only a cache: the next process reads the modules again.
  }
}

// --- resolution -------------------------------------------------------------------------

/** "./x.ts", "../x.mjs", "/abs/x.ts": a file path rather than a package name. */
function isPathSpecifier(specifier: string): boolean {
  return /^\.\.?(\/|\\|$)/.test(specifier) || path.isAbsolute(specifier);
}

/**
 * Resolves a package specifier ("lodash", "@scope/pkg", "pkg/sub") from `fromDir` the way a
 * bundler would (package.json `exports` with the import condition, then `types`/`main`),
 * falling back to the require condition for packages that only export for require.
 */
function resolvePackage(specifier: string, fromDir: string): CacheEntry<PackageResolution> {
  // Resolution starts from a file; it need not exist.
  const containingFile = path.join(fromDir, "__stepgraph_use__.ts");
  for (const mode of [typescript().ModuleKind.ESNext, typescript().ModuleKind.CommonJS] as const) {
    const result = typescript().resolveModuleName(specifier, containingFile, compiler().options, typescript().sys, undefined, undefined, mode);
    const resolved = result.resolvedModule?.resolvedFileName;
    if (resolved) {
      const file = path.resolve(resolved);
      return { value: { file }, stamps: [takeStamp(file)] };
    }
  }
  // Re-resolving costs dozens of probes, so a failure is cached until a folder where the
  // package could appear (node_modules/NAME in fromDir or above) changes.
  return {
    value: { failure: notFound(`cannot find package '${specifier}' from ${fromDir}`) },
    stamps: packageCandidates(specifier, fromDir).map(takeStamp),
  };
}

/** node_modules/NAME and its package.json in `fromDir` and every folder above it. */
function packageCandidates(specifier: string, fromDir: string): string[] {
  const parts = specifier.split("/");
  const packageName = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const candidates: string[] = [];
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const packageDir = path.join(dir, "node_modules", packageName);
    candidates.push(packageDir, path.join(packageDir, "package.json"));
    if (path.dirname(dir) === dir) return candidates;
  }
}

// --- the program ------------------------------------------------------------------------

type BuiltProgram = { program: TS.Program; stamps: Stamp[] } | { readError: string };

/**
 * A Program holding `rootFile`, the files it imports and the shared lib files. Its stamps
 * cover the root file, every other file outside node_modules, and the places where an
 * unresolved relative import could appear, so that creating that file also refreshes.
 */
function buildProgram(rootFile: string, sourceFiles: Map<string, CachedSourceFile>): BuiltProgram {
  const stamps = new Map<string, Stamp>();
  const libs = sharedLibFiles();
  let rootReadError: string | undefined;
  const host = typescript().createCompilerHost(compiler().options, true);

  host.getSourceFile = (fileName, languageVersionOrOptions) => {
    const lib = libs.sourceFiles.get(fileName);
    if (lib) return lib;
    try {
      const { sourceFile, stamp } = getSourceFile(fileName, languageVersionOrOptions, sourceFiles);
      if (isStampedFile(fileName, rootFile)) stamps.set(fileName, stamp);
      return sourceFile;
    } catch (error) {
      if (path.resolve(fileName) === rootFile) rootReadError = errorMessage(error);
      return undefined;
    }
  };

  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, options, containingSourceFile) =>
    literals.map((literal) => {
      const mode = typescript().getModeForUsageLocation(containingSourceFile, literal, options);
      const result = typescript().resolveModuleName(literal.text, containingFile, options, host, undefined, undefined, mode);
      if (!result.resolvedModule && isPathSpecifier(literal.text) && !isInNodeModules(containingFile)) {
        for (const candidate of importCandidates(literal.text, containingFile)) stamps.set(candidate, takeStamp(candidate));
      }
      return result;
    });

  const program = typescript().createProgram({ rootNames: [...libs.names, rootFile], options: compiler().options, host });
  if (rootReadError !== undefined) return { readError: rootReadError };
  if (!program.getSourceFile(rootFile)) return { readError: "the compiler could not load it" };
  return { program, stamps: [...stamps.values()] };
}

/** The parsed file, reused from an earlier Program while the file is unchanged. Throws when unreadable. */
function getSourceFile(
  fileName: string,
  languageVersionOrOptions: TS.ScriptTarget | TS.CreateSourceFileOptions,
  cache: Map<string, CachedSourceFile>,
): CachedSourceFile {
  // Stamp before reading: an edit racing the read then leaves a stale stamp, never a stale cache.
  const stamp = takeStamp(fileName);
  const impliedNodeFormat = typeof languageVersionOrOptions === "object" ? languageVersionOrOptions.impliedNodeFormat : undefined;
  const cached = cache.get(fileName);
  if (cached && sameStamp(cached.stamp, stamp) && cached.impliedNodeFormat === impliedNodeFormat) return cached;
  // typescript().sys.readFile strips a byte order mark and decodes UTF-16 files.
  const text = typescript().sys.readFile(fileName);
  if (text === undefined) throw new Error(stamp.size < 0 ? "file not found" : "file not readable");
  const entry = { sourceFile: typescript().createSourceFile(fileName, text, languageVersionOrOptions), stamp, impliedNodeFormat };
  cache.set(fileName, entry);
  return entry;
}

interface LibFiles {
  names: string[];
  sourceFiles: Map<string, TS.SourceFile>;
}

let libFiles: LibFiles | undefined;

/**
 * The lib files, found next to the TypeScript compiler and parsed on first use (~50 ms);
 * a lib that cannot be read is left out, which only makes signatures less precise.
 */
function sharedLibFiles(): LibFiles {
  if (libFiles) return libFiles;
  const libDir = path.dirname(typescript().getDefaultLibFilePath(compiler().options));
  const sourceFiles = new Map<string, TS.SourceFile>();
  for (const name of LIB_FILE_NAMES) {
    const fileName = typescript().sys.resolvePath(path.join(libDir, name)).replace(/\\/g, "/");
    const text = typescript().sys.readFile(fileName);
    if (text !== undefined) sourceFiles.set(fileName, typescript().createSourceFile(fileName, text, typescript().ScriptTarget.ES2022));
  }
  libFiles = { names: [...sourceFiles.keys()], sourceFiles };
  return libFiles;
}

/** Packages are assumed to change only with an install; the module itself is always stamped. */
function isStampedFile(fileName: string, rootFile: string): boolean {
  return path.resolve(fileName) === rootFile || !isInNodeModules(fileName);
}

function isInNodeModules(fileName: string): boolean {
  return /[\\/]node_modules[\\/]/.test(fileName);
}

/** The files whose creation would make the unresolved import `specifier` resolve. */
function importCandidates(specifier: string, containingFile: string): string[] {
  const written = path.resolve(path.dirname(containingFile), specifier);
  const extension = path.extname(written);
  const substitutes = IMPORT_SUBSTITUTES[extension] ?? [];
  const stem = extension === "" ? written : written.slice(0, -extension.length);
  return [written, ...substitutes.map((substitute) => stem + substitute)];
}

// --- exports ----------------------------------------------------------------------------

/** The module's value exports, in the checker's order; type-only exports are left out. */
function collectExports(program: TS.Program, rootFile: string): Map<string, ExportedMember> {
  const checker = program.getTypeChecker();
  const members = new Map<string, ExportedMember>();
  const sourceFile = program.getSourceFile(rootFile);
  // A file without import/export is a script, not a module: it exports nothing.
  const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
  if (!moduleSymbol) return members;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const member = describeExport(exported, checker);
    if (member) members.set(member.name, member);
  }
  return members;
}

/** The member for one export, or undefined for a type-only or unresolvable one. */
function describeExport(exported: TS.Symbol, checker: TS.TypeChecker): ExportedMember | undefined {
  if (isTypeOnlyAlias(exported, checker)) return undefined;
  const target = exported.flags & typescript().SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  // An alias to a missing module resolves to the checker's "unknown" symbol, which has no declarations.
  const declaration = target.valueDeclaration ?? target.declarations?.[0];
  if (!declaration || !(target.flags & typescript().SymbolFlags.Value)) return undefined;

  const name = exported.name;
  const type = checker.getTypeOfSymbol(target);
  const signatures = type.getCallSignatures();
  const documentation = renderDocumentation(target, checker) || renderDocumentation(exported, checker);
  const location = locationOf(declaration);
  if (signatures.length === 0) {
    const signature = target.flags & typescript().SymbolFlags.Class ? `class ${name}` : `${name}: ${checker.typeToString(type)}`;
    return { name, callable: false, parameters: [], signature, documentation, location };
  }
  const [first] = signatures;
  const overloads = signatures.length > 1 ? ` (+${signatures.length - 1} overload${signatures.length > 2 ? "s" : ""})` : "";
  return {
    name,
    callable: true,
    parameters: describeParameters(first, checker),
    signature: `${name}${checker.signatureToString(first)}${overloads}`,
    documentation,
    location,
  };
}

/** `export type { X }`, `import type { X }` then `export { X }`, ...: nothing to call at run time. */
function isTypeOnlyAlias(symbol: TS.Symbol, checker: TS.TypeChecker): boolean {
  const seen = new Set<TS.Symbol>();
  for (let alias: TS.Symbol | undefined = symbol; alias && alias.flags & typescript().SymbolFlags.Alias && !seen.has(alias); ) {
    seen.add(alias);
    if (alias.declarations?.some((declaration) => typescript().isTypeOnlyImportOrExportDeclaration(declaration))) return true;
    alias = checker.getImmediateAliasedSymbol(alias);
  }
  return false;
}

function describeParameters(signature: TS.Signature, checker: TS.TypeChecker): ParameterInfo[] {
  const parameters = signature.getParameters();
  const hasRest = signature.declaration !== undefined && typescript().hasRestParameter(signature.declaration);
  return parameters.map((parameter, index) => {
    const declaration = parameter.valueDeclaration;
    const rest = hasRest && index === parameters.length - 1;
    const optional = !rest && declaration !== undefined && typescript().isParameter(declaration) && checker.isOptionalParameter(declaration);
    return { name: parameterName(parameter), optional, rest };
  });
}

/** The parameter's name; a destructured one (`{ a, b }`) is named by its pattern, not TypeScript's `__0`. */
function parameterName(parameter: TS.Symbol): string {
  const declaration = parameter.valueDeclaration;
  if (declaration && typescript().isParameter(declaration) && !typescript().isIdentifier(declaration.name)) {
    return declaration.name.getText().replace(/\s+/g, " ");
  }
  return parameter.name;
}

function locationOf(declaration: TS.Declaration): SourceLocation {
  const sourceFile = declaration.getSourceFile();
  // `export default () => ...` has no name: point at the declaration itself.
  const node = typescript().getNameOfDeclaration(declaration) ?? declaration;
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  return { file: path.resolve(sourceFile.fileName), line, character };
}

// --- documentation ----------------------------------------------------------------------

/** The doc comment as Markdown: the text, then one paragraph per tag (`*@param* \`x\` — ...`). */
function renderDocumentation(symbol: TS.Symbol, checker: TS.TypeChecker): string {
  const paragraphs: string[] = [];
  const summary = typescript().displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  if (summary) paragraphs.push(summary);
  for (const tag of symbol.getJsDocTags(checker)) paragraphs.push(renderTag(tag));
  return paragraphs.join("\n\n");
}

/** Tags whose text starts with a parameter's name. */
const PARAMETER_TAGS = new Set(["param", "arg", "argument", "template"]);

function renderTag(tag: TS.JSDocTagInfo): string {
  const parts = tag.text ?? [];
  const label = `*@${tag.name}*`;
  if (tag.name === "example") return `${label}\n\`\`\`\n${typescript().displayPartsToString(parts).trim()}\n\`\`\``;
  const { name, text } = splitParameterName(tag.name, parts);
  const head = name === undefined ? label : `${label} \`${name}\``;
  // "@param order - the order": the dash only separates the name from the description.
  const description = text.replace(/^-\s*/, "");
  return description ? `${head} — ${description}` : head;
}

/**
 * The parameter's name and the rest of a tag's text. The name comes as a part of its own
 * when a description follows, and as plain text when the tag is only `@param {T} name`.
 */
function splitParameterName(tagName: string, parts: TS.SymbolDisplayPart[]): { name?: string; text: string } {
  const isName = (part: TS.SymbolDisplayPart) => part.kind === "parameterName" || part.kind === "typeParameterName";
  const named = parts.find(isName);
  if (named) return { name: named.text, text: typescript().displayPartsToString(parts.filter((part) => !isName(part))).trim() };
  const text = typescript().displayPartsToString(parts).trim();
  if (!PARAMETER_TAGS.has(tagName) || text === "") return { text };
  const [name, ...rest] = text.split(/\s+/);
  return { name, text: rest.join(" ") };
}

// --- small helpers ----------------------------------------------------------------------

function statOrUndefined(file: string): fs.Stats | undefined {
  return fs.statSync(file, { throwIfNoEntry: false });
}

function takeStamp(file: string): Stamp {
  const stats = statOrUndefined(file);
  return stats ? { file, mtimeMs: stats.mtimeMs, size: stats.size } : { file, mtimeMs: -1, size: -1 };
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size;
}

/** The cached value for `key` if every file it came from is unchanged. */
function freshValue<T>(cache: Map<string, CacheEntry<T>>, key: string): T | undefined {
  const entry = cache.get(key);
  if (!entry) return undefined;
  if (entry.stamps.every((stamp) => sameStamp(stamp, takeStamp(stamp.file)))) return entry.value;
  cache.delete(key);
  return undefined;
}

function notFound(message: string): ModuleLookup {
  return { ok: false, reason: "not-found", message };
}

function unsupported(message: string): ModuleLookup {
  return { ok: false, reason: "unsupported", message };
}

/** The first line of an error's message: lookups carry one-line messages. */
function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
