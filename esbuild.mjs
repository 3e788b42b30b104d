// Builds every bundle with esbuild: one bundle per entry point.
//   node esbuild.mjs            the shipped bundles (dist/)
//   node esbuild.mjs --tests    test and bench files, one bundle each (out/)
//   --watch                     rebuild on change
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const args = new Set(process.argv.slice(2));
const pkg = JSON.parse(readFileSync("package.json", "utf8"));

// In the test and bench bundles packages stay in node_modules, except devalue: it ships only
// as an ES module, and bundling it keeps the CommonJS output loadable on every Node 20.
const bundledPackages = new Set(["devalue"]);
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})].filter((name) => !bundledPackages.has(name));

// The dist/ bundles run from the installed .vsix, which ships no node_modules (the extension
// starts the debug adapter, language server and CLI from it): every package is bundled in,
// except `vscode` (the editor provides it) and esbuild, whose JS API refuses to be bundled
// (it finds its native binary by a path relative to lib/main.js). The .vsix ships
// node_modules/esbuild and the platform's @esbuild/* package instead (see .vscodeignore).
const shippedExternal = ["vscode", "esbuild"];

// The TypeScript compiler (9 MB; src/graph/module-reader.ts reads node modules' exports with
// it) ships once, as dist/typescript.js, the package's own lib/typescript.js, with its licence
// and notices: the CLI, the debug adapter and the language server require it from there
// instead of each bundling a copy (three copies made the package 45 MB unpacked).
// module-reader reads these lib files next to it (ts.getDefaultLibFilePath: dist/).
const typescriptLibFiles = ["lib.es5.d.ts", "lib.es2015.collection.d.ts"];
const typescriptFiles = { "lib/typescript.js": "typescript.js", "LICENSE.txt": "typescript.LICENSE.txt", "ThirdPartyNoticeText.txt": "typescript.ThirdPartyNoticeText.txt" };

// elkjs (1.6 MB) ships once, as dist/elk.bundled.js: the webview loads that file in the
// browser, and the shipped node bundles require it from there at run time (only when a
// picture is laid out), instead of each bundling a copy. Test bundles import it from
// node_modules like any package.
const ELK_FILE = "elk.bundled.js";

/** Copies elkjs's bundled build, and its licence (EPL-2.0), which the .vsix ships with it. */
function copyElk() {
  const elk = createRequire(import.meta.url).resolve(`elkjs/lib/${ELK_FILE}`);
  mkdirSync("dist", { recursive: true });
  copyFileSync(elk, join("dist", ELK_FILE));
  copyFileSync(join(dirname(elk), "..", "LICENSE.md"), join("dist", "elk.LICENSE.md"));
}

/** Resolves every import of elkjs to the copy next to the bundle: `require("./elk.bundled.js")`. */
const elkFromDist = {
  name: "elk-from-dist",
  setup(build) {
    build.onResolve({ filter: /^elkjs(\/|$)/ }, (resolved) => {
      if (resolved.path !== `elkjs/lib/${ELK_FILE}`) return { errors: [{ text: `import elkjs as 'elkjs/lib/${ELK_FILE}' (the file dist/ ships), not '${resolved.path}'` }] };
      return { path: `./${ELK_FILE}`, external: true };
    });
  },
};

function copyTypeScript() {
  const libDir = dirname(createRequire(import.meta.url).resolve("typescript"));
  mkdirSync("dist", { recursive: true });
  for (const name of typescriptLibFiles) copyFileSync(join(libDir, name), join("dist", name));
  for (const [from, to] of Object.entries(typescriptFiles)) copyFileSync(join(libDir, "..", from), join("dist", to));
}

/** Resolves every import of typescript to the copy next to the bundle: `require("./typescript.js")`. */
const typescriptFromDist = {
  name: "typescript-from-dist",
  setup(build) {
    build.onResolve({ filter: /^typescript(\/|$)/ }, (resolved) => {
      if (resolved.path !== "typescript") return { errors: [{ text: `import 'typescript' (dist/typescript.js is its lib/typescript.js), not '${resolved.path}'` }] };
      return { path: "./typescript.js", external: true };
    });
  },
};

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

const builds = args.has("--vscode-tests")
  ? [
      // The @vscode/test-electron runner and the suite it loads into the extension host.
      { ...common, entryPoints: { "run-vscode-tests": "test/vscode/run-vscode-tests.ts", suite: "test/vscode/suite.ts" }, outdir: "out/vscode", external: [...external, "vscode"] },
    ]
  : args.has("--tests")
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
        entryPoints: { extension: "src/extension/extension.ts", "cli-main": "src/cli/main.ts", "worker-main": "src/cli/worker-main.ts", "node-host": "src/runtime/node-host.ts", "debug-adapter": "debug-adapter/standalone.ts", "language-server": "src/language-server/main.ts", "lease-keeper": "src/production/lease-keeper-thread.ts" },
        outdir: "dist",
        external: shippedExternal,
        plugins: [elkFromDist, typescriptFromDist],
        banner: { js: "#!/usr/bin/env node" },
      },
      // The `stepgraph` executable: a few lines that answer --version and otherwise require
      // dist/worker-main.js or dist/cli-main.js, so that neither loads what it does not need.
      { ...common, entryPoints: { cli: "src/cli/launcher.ts" }, outdir: "dist", external: ["./cli-main.js", "./worker-main.js"], banner: { js: "#!/usr/bin/env node" } },
      // The graph view's page (src/webview), for the browser. elkjs stays out of it: the
      // webview loads dist/elk.bundled.js with a script tag and hands its ELK to the layout
      // (so the layout's own import of it, left pointing at that file, never runs there).
      {
        entryPoints: { webview: "src/webview/main.ts" },
        outdir: "dist",
        bundle: true,
        platform: "browser",
        format: "iife",
        target: "es2022",
        sourcemap: true,
        logLevel: "warning",
        plugins: [elkFromDist],
      },
    ];

if (!args.has("--tests") && !args.has("--vscode-tests")) {
  copyTypeScript();
  copyElk();
}

for (const options of builds) {
  if (args.has("--watch")) {
    const context = await esbuild.context(options);
    await context.watch();
  } else {
    await esbuild.build(options);
  }
}
