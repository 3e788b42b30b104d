// Builds each `use`d module with esbuild into a self-contained CommonJS bundle that a node
// host can require, with an inline source map so that stacks point into the TypeScript.
// A module's code hash is the hash of its bundle: every file it imports (listed in
// esbuild's metafile) is in it, so an edit anywhere in a node's code changes the hash,
// and an edit to comments, or to files it does not import, does not.
import { build, type Message } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";

export interface BuiltModule {
  modulePath: string;
  bundlePath: string;
  codeHash: string;
  /** The source files in the bundle, relative to the working folder (from the metafile). */
  inputs: string[];
  /**
   * Each input's share of the bundle, hashed: what tells which file an edit changed (a file
   * changed only in comments keeps its hash, as the bundle does).
   */
  fileHashes: Record<string, string>;
}

export class ModuleBuildError extends Error {}

export async function buildModule(modulePath: string, options: { outDir: string; workingDir: string }): Promise<BuiltModule> {
  const result = await build({
    entryPoints: [modulePath],
    absWorkingDir: options.workingDir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "inline",
    sourcesContent: true,
    write: false,
    metafile: true,
    outfile: join(options.outDir, "module.js"),
    logLevel: "silent",
  }).catch((e: { errors?: Message[] }) => {
    throw new ModuleBuildError(formatBuildErrors(e.errors ?? [], options.workingDir) || String(e));
  });
  const code = result.outputFiles[0].text;
  // The hash covers the code, not the source map, which moves with every added line.
  const codeHash = createHash("sha256").update(code.replace(/\/\/# sourceMappingURL=.*\s*$/, "")).digest("hex");
  mkdirSync(options.outDir, { recursive: true });
  const bundlePath = join(options.outDir, `${basename(modulePath).replace(/\.[^.]+$/, "")}-${codeHash.slice(0, 16)}.js`);
  writeFileSync(bundlePath, code);
  const inputs = Object.keys(result.metafile.inputs);
  return { modulePath, bundlePath, codeHash, inputs, fileHashes: hashFilesOfBundle(code, inputs) };
}

/**
 * Hashes the code each input contributes to the bundle. Unminified, esbuild opens every
 * stretch of a file's code with a line `// PATH` (PATH as in the metafile), and a file may
 * have several stretches (an entry module is split around its imports): the lines up to
 * the next such line belong to that file. An input with no code in the bundle (imported
 * for its types only) hashes as empty.
 */
function hashFilesOfBundle(code: string, inputs: readonly string[]): Record<string, string> {
  const known = new Set(inputs);
  const parts = new Map<string, string[]>(inputs.map((input) => [input, []]));
  let current: string[] | undefined;
  for (const line of code.replace(/\/\/# sourceMappingURL=.*\s*$/, "").split("\n")) {
    const path = line.startsWith("// ") ? line.slice(3) : undefined;
    if (path !== undefined && known.has(path)) current = parts.get(path);
    else current?.push(line);
  }
  return Object.fromEntries([...parts].map(([input, lines]) => [input, createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16)]));
}

function formatBuildErrors(errors: readonly Message[], workingDir: string): string {
  return errors
    .slice(0, 5)
    .map((e) => (e.location ? `${relative(process.cwd(), join(workingDir, e.location.file))}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text))
    .join("\n");
}
