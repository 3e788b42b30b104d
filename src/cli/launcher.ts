// The `stepgraph` executable (dist/cli.js). It answers `--version` by itself, hands `worker`
// to dist/worker-main.js (src/cli/worker-main.ts: what serving a loop needs, nothing else),
// and everything else to dist/cli-main.js (src/cli/main.ts), the whole command line: loading
// a bundle, and what it requires (the TypeScript compiler, for one), is most of a command's start.
declare const PACKAGE_VERSION: string;

const first = process.argv[2];
if (first === "--version" || first === "-v") {
  process.stdout.write(`${PACKAGE_VERSION}\n`);
} else if (first === "worker") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed; kept out of this bundle (esbuild.mjs)
  require("./worker-main.js");
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  require("./cli-main.js");
}
