// `stepgraph worker` with capture points compiled out, for bench/production.bench.ts's system
// stepgraph-nocapture ("the same run without the feature"). It is dist/worker-main.js as
// esbuild.mjs builds it (the same options; the bench checks that, built without the plugin
// below, the bundle is byte for byte dist/worker-main.js), but an esbuild plugin cuts out of
// the source, as it is bundled, what the feature adds to a job's way through a worker:
//  - src/production/loop-runner.ts: the look at the worker's capture points once per node
//    call, the time taken when one is set, and the two hand-overs of a captured call;
//  - src/production/loop-worker.ts: the capture table handed to the loop runner with each job.
// What else the feature holds runs only when a worker starts (the listing of the points set)
// or hears of a capture point set or withdrawn: never in a run with no capture point set.
// Each cut must match exactly what it expects, or the build fails: a change to those lines
// shows here rather than as a bench quietly measuring the feature against itself.
// The product is untouched: nothing here is in src/, and dist/ is only read.
// The same folder built with `cut: false` holds the bundle dist/worker-main.js is, byte for
// byte: the bench's control (system stepgraph-copy), showing how far apart two runs of the
// same code come out in this comparison.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** A cut: every match of `pattern` (global) is removed, and there must be exactly `count` of them. */
interface Cut {
  pattern: RegExp;
  count: number;
  what: string;
}

const CUTS: Record<string, Cut[]> = {
  "src/production/loop-runner.ts": [
    { pattern: /^[ \t]*\/\/ The one look at capture points[^\n]*\n/gm, count: 1, what: "the comment on the look at capture points" },
    { pattern: /^[ \t]*const capturing = options\.captures === undefined \|\| options\.captures\.byNode\.size === 0 \? undefined : options\.captures\.byNode\.get\(name\);\n/gm, count: 1, what: "the look at capture points per node call" },
    { pattern: /^[ \t]*if \(capturing !== undefined\) step\.capturing = \{ points: capturing, started: performance\.now\(\) \};\n/gm, count: 1, what: "the points and the time of a captured call" },
    { pattern: /^[ \t]*(if \(e instanceof NodeFailure\) )?capture\(step, [^\n]*\);\n/gm, count: 2, what: "the hand-overs of a captured call (failed, and done)" },
    { pattern: /^[ \t]*\/\*\* The capture points that record this call[^\n]*\n[ \t]*capturing\?: [^\n]*\n/gm, count: 1, what: "a node call's capture points" },
    { pattern: /^\/\*\* Hands a call of a captured node[^\n]*\nfunction capture\([\s\S]*?\n\}\n/gm, count: 1, what: "the hand-over to the capture table" },
  ],
  "src/production/loop-worker.ts": [{ pattern: /captures: this\.captures, /g, count: 1, what: "the capture table in a job's run options" }],
};

/** What must be gone from a file once cut (a use the cuts above missed). */
const LEFT_OVER: Record<string, RegExp> = {
  "src/production/loop-runner.ts": /\bcapturing\b|options\.captures\.byNode|\bcapture\(/,
  "src/production/loop-worker.ts": /captures: this\.captures/,
};

function cutCapture(file: string, source: string): string {
  let text = source;
  for (const cut of CUTS[file]) {
    const found = text.match(cut.pattern)?.length ?? 0;
    if (found !== cut.count) throw new Error(`worker-without-capture: ${file}: expected ${cut.count} of ${cut.what} (${cut.pattern}), found ${found}: update bench/worker-without-capture.ts`);
    text = text.replace(cut.pattern, "");
  }
  const left = LEFT_OVER[file].exec(text);
  if (left !== null) throw new Error(`worker-without-capture: ${file} still uses capture points after the cuts ('${left[0]}'): update bench/worker-without-capture.ts`);
  return text;
}

const withoutCapture: esbuild.Plugin = {
  name: "without-capture",
  setup(build) {
    const cut = new Set<string>();
    build.onLoad({ filter: /[\\/]src[\\/]production[\\/]loop-(runner|worker)\.ts$/ }, (args) => {
      const file = Object.keys(CUTS).find((name) => args.path.replace(/\\/g, "/").endsWith(`/${name}`));
      if (file === undefined) return undefined;
      cut.add(file);
      return { contents: cutCapture(file, readFileSync(args.path, "utf8")), loader: "ts" };
    });
    build.onEnd((result) => {
      const missed = Object.keys(CUTS).filter((file) => !cut.has(file));
      if (result.errors.length === 0 && missed.length > 0) throw new Error(`worker-without-capture: ${missed.join(", ")} not in the bundle: update bench/worker-without-capture.ts`);
    });
  },
};

/** dist/worker-main.js's options in esbuild.mjs (`common`, the shipped bundles' externals and banner). */
function workerMainOptions(repoRoot: string, outdir: string): esbuild.BuildOptions {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  return {
    absWorkingDir: repoRoot,
    entryPoints: { "worker-main": "src/cli/worker-main.ts" },
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: true,
    logLevel: "warning",
    external: ["vscode", "esbuild"],
    define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
    banner: { js: "#!/usr/bin/env node" },
  };
}

/**
 * Builds into `outdir` a copy of dist/ whose worker-main.js has capture points compiled out
 * (`cut: false`: the same as dist/worker-main.js, for a control), and returns the path of its
 * cli.js (run as `node CLI worker ...`, as dist/cli.js is).
 * dist/cli.js is copied (it requires ./worker-main.js next to it); the rest of dist/
 * (lease-keeper.js, which a worker starts from next to its bundle, ...) is linked.
 */
export async function buildWorkerWithoutCapture(repoRoot: string, outdir: string, cut = true): Promise<string> {
  const dist = join(repoRoot, "dist");
  try {
    // The same options without the plugin must give dist/worker-main.js: then the two bundles differ by the cuts alone.
    const plain = await esbuild.build({ ...workerMainOptions(repoRoot, outdir), write: false });
    const plainJs = plain.outputFiles.find((file) => file.path.endsWith("worker-main.js"))?.text;
    if (plainJs !== readFileSync(join(dist, "worker-main.js"), "utf8")) {
      throw new Error("worker-without-capture: dist/worker-main.js is not what esbuild.mjs's options build from this source (stale dist/? run 'node esbuild.mjs'; or esbuild.mjs changed: update bench/worker-without-capture.ts)");
    }
    mkdirSync(outdir, { recursive: true });
    await esbuild.build({ ...workerMainOptions(repoRoot, outdir), plugins: cut ? [withoutCapture] : [] });
  } finally {
    // esbuild's service process: stopped here, not left to the bench's exit.
    await esbuild.stop();
  }
  const built = readFileSync(join(outdir, "worker-main.js"), "utf8");
  // In the bundle: the look (`byNode.size`) and the hand-over (`captures?.record`, in a function then unused, which esbuild leaves out).
  const shipped = readFileSync(join(dist, "worker-main.js"), "utf8");
  if (!cut && built !== shipped) throw new Error("worker-without-capture: the control's worker-main.js differs from dist/worker-main.js");
  for (const mark of cut ? ["byNode.size", "captures?.record("] : []) {
    if (built.includes(mark) || !shipped.includes(mark)) throw new Error(`worker-without-capture: '${mark}' should be in dist/worker-main.js and not in the build without capture points`);
  }
  for (const name of readdirSync(dist)) {
    if (name.startsWith("worker-main.js")) continue;
    if (name.startsWith("cli.js")) copyFileSync(join(dist, name), join(outdir, name));
    else symlinkSync(join(dist, name), join(outdir, name));
  }
  return join(outdir, "cli.js");
}
