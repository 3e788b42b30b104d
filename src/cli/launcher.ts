// The `stepgraph` executable (dist/cli.js). It answers `--version` by itself and leaves
// everything else to dist/cli-main.js (src/cli/main.ts): that bundle holds the TypeScript
// compiler and is eleven megabytes, and loading it is most of a command's start.
declare const PACKAGE_VERSION: string;

const first = process.argv[2];
if (first === "--version" || first === "-v") {
  process.stdout.write(`${PACKAGE_VERSION}\n`);
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed; kept out of this bundle (esbuild.mjs)
  require("./cli-main.js");
}
