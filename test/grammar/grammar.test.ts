// The TextMate grammar (syntaxes/stepgraph.tmLanguage.json):
// - the scope assertions in test/grammar/fixtures/*.graph, run by vscode-tmgrammar-test exactly as
//   on the command line;
// - a negative control: the same runner fails on a wrong assertion, so the first test can fail;
// - the grammar file itself: valid JSON, the right scope name, includes that resolve, and every
//   regex compiles with Oniguruma (the engine VS Code uses).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { OnigScanner, loadWASM } from "vscode-oniguruma";
import { fixturePath, repoRoot } from "../helpers";

const GRAMMAR = "syntaxes/stepgraph.tmLanguage.json";
const FIXTURES = "test/grammar/fixtures/*.graph";

/** The JS file behind the `vscode-tmgrammar-test` bin, run with this Node (no shell). */
function tmgrammarTestBin(): string {
  const manifestPath = require.resolve("vscode-tmgrammar-test/package.json", { paths: [repoRoot] });
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: Record<string, string> };
  const bin = manifest.bin["vscode-tmgrammar-test"];
  assert.ok(bin, "vscode-tmgrammar-test declares no bin of that name");
  return join(dirname(manifestPath), bin);
}

/** `vscode-tmgrammar-test -g syntaxes/stepgraph.tmLanguage.json GLOB`, from the repository root. */
function runGrammarTests(glob: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [tmgrammarTestBin(), "-g", GRAMMAR, glob], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A glob for a path: forward slashes, also on Windows. */
function toGlob(path: string): string {
  return path.split(sep).join("/");
}

test("the grammar passes every scope assertion in test/grammar/fixtures", () => {
  const fixtures = readdirSync(fixturePath("grammar", "fixtures")).filter((name) => name.endsWith(".graph"));
  assert.ok(fixtures.length > 0, "no grammar fixtures found");

  const { status, output } = runGrammarTests(FIXTURES);
  assert.equal(status, 0, `vscode-tmgrammar-test exited with ${status}:\n${output}`);
  for (const name of fixtures) {
    assert.ok(output.includes(`fixtures/${name}`), `fixture ${name} was not run:\n${output}`);
  }
});

test("negative control: the runner fails on a wrong assertion", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-grammar-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const header = '// SYNTAX TEST "source.stepgraph" "negative control"';

  // The same line with a right assertion passes, so a failure below is the assertion's.
  writeFileSync(join(dir, "right.graph"), `${header}\nnode a = f(x)\n// <---- storage.type.node.stepgraph\n`);
  const right = runGrammarTests(toGlob(join(dir, "right.graph")));
  assert.equal(right.status, 0, `the right assertion should pass:\n${right.output}`);

  writeFileSync(join(dir, "wrong.graph"), `${header}\nnode a = f(x)\n// <---- comment.line.double-slash.stepgraph\n`);
  const wrong = runGrammarTests(toGlob(join(dir, "wrong.graph")));
  assert.notEqual(wrong.status, null, "the runner did not exit");
  assert.notEqual(wrong.status, 0, `a wrong assertion must fail the run:\n${wrong.output}`);
  assert.ok(wrong.output.includes("comment.line.double-slash.stepgraph"), `the failure should name the missing scope:\n${wrong.output}`);
});

interface OnigBinding {
  _getLastOnigError(): number;
  UTF8ToString(pointer: number): string;
}

/**
 * Compiles one regex with Oniguruma; returns the compile error, or undefined when it compiles.
 * vscode-oniguruma 1.7.0 does not throw for an invalid pattern (later versions do), so this
 * also reads the binding's last compile status and compares it with that of a valid pattern.
 */
function makeCompileCheck(): (source: string) => string | undefined {
  const lastStatus = (scanner: OnigScanner): string | undefined => {
    const binding = (scanner as unknown as { _onigBinding?: OnigBinding })._onigBinding;
    return binding ? binding.UTF8ToString(binding._getLastOnigError()) : undefined;
  };
  const reference = new OnigScanner(["a"]);
  const success = lastStatus(reference);
  reference.dispose();

  return (source) => {
    let scanner: OnigScanner;
    try {
      scanner = new OnigScanner([source]);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    const status = lastStatus(scanner);
    if (status !== success) return status; // a half-built scanner: not disposed, it is not safe to free
    scanner.dispose();
    return undefined;
  };
}

test("the grammar file is valid JSON with scope source.stepgraph and Oniguruma compiles every regex", async () => {
  const text = readFileSync(join(repoRoot, GRAMMAR), "utf8");
  let grammar: { scopeName?: unknown; name?: unknown; fileTypes?: unknown; repository?: Record<string, unknown> };
  try {
    grammar = JSON.parse(text) as typeof grammar;
  } catch (error) {
    assert.fail(`${GRAMMAR} is not valid JSON: ${String(error)}`);
  }
  assert.equal(grammar.scopeName, "source.stepgraph");
  assert.equal(grammar.name, "Stepgraph");
  assert.deepEqual(grammar.fileTypes, ["graph"]);

  // Every regex, and every include, with where it sits in the file.
  const regexes: { path: string; source: string }[] = [];
  const includes: { path: string; target: string }[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${path}/${index}`));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (["match", "begin", "end", "while"].includes(key)) {
          assert.equal(typeof item, "string", `${path}/${key} is not a string`);
          regexes.push({ path: `${path}/${key}`, source: item as string });
        } else if (key === "include") {
          includes.push({ path: `${path}/${key}`, target: item as string });
        } else {
          walk(item, `${path}/${key}`);
        }
      }
    }
  };
  walk(grammar, "");
  assert.ok(regexes.length > 0, "no regexes found in the grammar");

  const repository = grammar.repository ?? {};
  for (const { path, target } of includes) {
    if (target === "$self" || target === "$base") continue;
    assert.ok(target.startsWith("#") && target.slice(1) in repository, `${path}: include ${target} does not resolve`);
  }

  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const compileError = makeCompileCheck();
  const failures = regexes
    .map(({ path, source }) => ({ path, source, error: compileError(source) }))
    .filter((result) => result.error !== undefined)
    .map(({ path, source, error }) => `${path}: ${JSON.stringify(source)}: ${error}`);
  assert.deepEqual(failures, [], `regexes that do not compile:\n${failures.join("\n")}`);

  // The check itself can fail: an unbalanced parenthesis is reported.
  assert.notEqual(compileError("(unclosed"), undefined, "the compile check accepted an invalid regex");
});
