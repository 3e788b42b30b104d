// Builds every bundle with esbuild: one bundle per entry point.
//   node esbuild.mjs            the shipped bundles (dist/)
//   node esbuild.mjs --tests    test and bench files, one bundle each (out/)
//   --watch                     rebuild on change
import * as esbuild from "esbuild";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const args = new Set(process.argv.slice(2));

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
  // Dependencies stay in node_modules for the command line; the extension bundle
  // (which ships without node_modules) overrides this.
  packages: "external",
  define: { PACKAGE_VERSION: JSON.stringify(JSON.parse(readFileSync("package.json", "utf8")).version) },
};

const builds = args.has("--tests")
  ? [
      {
        ...common,
        entryPoints: [...filesBelow("test", [".test.ts"]), ...filesBelow("bench", [".bench.ts"])],
        outdir: "out",
        outbase: ".",
      },
    ]
  : [
      {
        ...common,
        entryPoints: { cli: "src/cli/main.ts" },
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
