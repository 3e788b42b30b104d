// Builds every bundle with esbuild: one bundle per entry point.
//   node esbuild.mjs            the shipped bundles (dist/)
//   node esbuild.mjs --tests    test and bench files, one bundle each (out/)
//   --watch                     rebuild on change
import * as esbuild from "esbuild";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const args = new Set(process.argv.slice(2));
const pkg = JSON.parse(readFileSync("package.json", "utf8"));

// Packages stay in node_modules, except devalue: it ships only as an ES module, and bundling
// it keeps the CommonJS output loadable on every Node 20.
const bundledPackages = new Set(["devalue"]);
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})].filter((name) => !bundledPackages.has(name));

/** Every file below `dir` whose name ends with one of `suffixes`. */
function filesBelow(dir, suffixes) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && suffixes.some((s) => entry.name.endsWith(s)))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  logLevel: "warning",
  external,
  define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
};

const builds = args.has("--tests")
  ? [
      {
        ...common,
        entryPoints: [...filesBelow("test", [".test.ts"]), ...filesBelow("bench", [".bench.ts"])],
        outdir: "out",
        // The grammar test loads its wasm with require.resolve.
        external: [...external, "vscode-oniguruma"],
        outbase: ".",
      },
    ]
  : [
      {
        ...common,
        entryPoints: { cli: "src/cli/main.ts", "node-host": "src/runtime/node-host.ts", "debug-adapter": "debug-adapter/standalone.ts" },
        outdir: "dist",
        banner: { js: "#!/usr/bin/env node" },
      },
    ];

for (const options of builds) {
  if (args.has("--watch")) {
    const context = await esbuild.context(options);
    await context.watch();
  } else {
    await esbuild.build(options);
  }
}
