// What the shipped bundles hold and what a command loads (esbuild.mjs): the TypeScript
// compiler ships once, as dist/typescript.js, which the bundles that read node modules
// require; a worker loads neither it nor the whole command line.
import assert from "node:assert/strict";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../helpers";
import { copyFixture } from "../runtime/workspace";
import { runCliReportingLoads } from "./loaded-files";

const dist = join(repoRoot, "dist");
const orders = join(repoRoot, "examples", "orders", "orders.graph");
/** A line of the compiler's own code (its assertion helper), in any copy of it. */
const TYPESCRIPT_CODE = /Debug Failure\. False expression/;

/** The bundles of ours that a command loads (dist/*.js). */
const loadedBundles = (args: string[]): string[] =>
  runCliReportingLoads(args)
    .loaded.filter((file) => file.startsWith(dist + "/"))
    .map((file) => basename(file))
    .sort();

describe("the TypeScript compiler in the shipped build", () => {
  test("is one file, dist/typescript.js, the package's lib/typescript.js, with its licence; no bundle has a copy of its own", () => {
    assert.deepEqual(readFileSync(join(dist, "typescript.js")), readFileSync(join(repoRoot, "node_modules", "typescript", "lib", "typescript.js")));
    assert.deepEqual(readFileSync(join(dist, "typescript.LICENSE.txt")), readFileSync(join(repoRoot, "node_modules", "typescript", "LICENSE.txt")));
    const bundles = readdirSync(dist).filter((name) => name.endsWith(".js") && name !== "typescript.js");
    assert.ok(bundles.includes("cli-main.js") && bundles.includes("debug-adapter.js") && bundles.includes("language-server.js"), bundles.join(", "));
    for (const name of bundles) assert.doesNotMatch(readFileSync(join(dist, name), "utf8"), TYPESCRIPT_CODE, `${name} bundles a copy of the compiler`);
    for (const name of ["cli-main.js", "debug-adapter.js", "language-server.js"]) assert.match(readFileSync(join(dist, name), "utf8"), /require\("\.\/typescript\.js"\)/, name);
  });

  test("stepgraph check loads it from dist/; a worker loads only its own bundle; --version nothing else", () => {
    assert.deepEqual(loadedBundles(["check", orders]), ["cli-main.js", "cli.js", "typescript.js"]);
    // Refused for want of a deploy key, after its bundle loaded.
    assert.deepEqual(loadedBundles(["worker", "--graph", "orders", "--loop", "main"]), ["cli.js", "worker-main.js"]);
    assert.deepEqual(loadedBundles(["--version"]), ["cli.js"]);
  });
});

describe("what the module reader learned, kept between processes", () => {
  test("a run whose modules did not change since the last does not load the compiler; an edit does, and its export is seen", () => {
    const ws = copyFixture("pipeline");
    const run = (graph = "pipeline.graph") => {
      // The persisted reader lives in the state folder (STEPGRAPH_STATE_DIR).
      const result = runCliReportingLoads(["run", ws.path(graph), "--input", '{"n": 3}', "--redis", "memory", "--json"], { cwd: ws.dir, env: { STEPGRAPH_STATE_DIR: ws.stateDir } });
      assert.equal(result.status, 0, result.stderr);
      const { outputs, nodes } = JSON.parse(result.stdout) as { outputs: Record<string, unknown>; nodes: { name: string; status: string }[] };
      return { outputs, nodes, compiler: result.loaded.some((file) => basename(file) === "typescript.js") };
    };
    const first = run();
    assert.ok(first.compiler, "the first run reads its modules with the compiler");
    const warm = run();
    assert.equal(warm.compiler, false, "the second run, its modules unchanged, needs no compiler");
    assert.equal(warm.outputs.total, first.outputs.total, "and gives the same outputs");

    // An edit of an imported module: the compiler reads it again, and the new export is there.
    appendFileSync(ws.path("nodes/math.ts"), "\nexport function triple(n: number): number { return n * 3; }\n");
    appendFileSync(ws.path("pipeline.graph"), "\nnode tripled = triple(n)\n");
    const edited = run();
    assert.ok(edited.compiler, "an edited module is read again");
    assert.deepEqual(edited.nodes.find((node) => node.name === "tripled")?.status, "ran");
  });
});
