// Packages the extension: node package-vsix.mjs [OUT.vsix] (default stepgraph.vsix), after
// `npm run build`. The .vsix holds what .vscodeignore allows, including esbuild's native
// binary for this machine, so it is marked for this machine's platform (vsce --target).
import { createVSIX } from "@vscode/vsce";

/** VS Code's target platform names (`vsce package --target`) for node's platform and arch. */
const TARGETS = {
  "win32-x64": "win32-x64",
  "win32-arm64": "win32-arm64",
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "linux-arm": "linux-armhf",
  "darwin-x64": "darwin-x64",
  "darwin-arm64": "darwin-arm64",
};

const target = TARGETS[`${process.platform}-${process.arch}`];
if (target === undefined) throw new Error(`no VS Code target platform for ${process.platform}-${process.arch}`);
// Dependencies stay on (no --no-dependencies): vsce then offers node_modules to .vscodeignore,
// which lets through only esbuild's entry and binary; everything else is bundled in dist/.
// There is no public repository yet: vsce neither asks for one nor rewrites the README's
// relative links (docs/...) against one.
await createVSIX({ packagePath: process.argv[2] ?? "stepgraph.vsix", target, dependencies: true, rewriteRelativeLinks: false, allowMissingRepository: true });
