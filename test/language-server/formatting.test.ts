// Formatting: aligned `=` and options, one space after commas, trimmed trailing whitespace,
// one final newline; idempotent; never a changed token or a lost comment; no edits for a
// file with syntax errors. The pure formatter over every example and over mutated copies,
// and the LSP request on the built server.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DocumentFormattingRequest, type TextEdit } from "vscode-languageserver-protocol";
import { formatGraph } from "../../src/graph/formatter";
import { lex } from "../../src/graph/lexer";
import { repoRoot } from "../helpers";
import { startLspClient, type LspClient } from "./lsp-client";

const examples = readdirSync(join(repoRoot, "examples"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".graph"))
  .map((file) => join(repoRoot, "examples", file));

function formatted(text: string): string {
  const result = formatGraph(text);
  assert.ok(result.ok, result.ok ? "" : result.reason);
  return result.text;
}

/** Kinds and texts of the tokens, and the comments without trailing whitespace. */
function meaning(text: string): string {
  const { tokens, comments } = lex(text);
  return JSON.stringify([tokens.map((t) => `${t.kind}:${t.text}`), comments.map((c) => c.text.trimEnd())]);
}

/** Whitespace changes outside strings and comments, chosen by a seeded generator. */
function mutate(text: string, seed: number): string {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return text
    .split("\n")
    .map((line) => {
      let out = random() < 0.2 ? "  " : "";
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (!inString && c === "/" && line[i + 1] === "/") {
          out += line.slice(i);
          break;
        }
        if (c === '"' && line[i - 1] !== "\\") inString = !inString;
        // A space between two word characters only grows (gluing `node x` would be a syntax error); others may go.
        if (!inString && c === " " && /[\w"]/.test(line[i - 1] ?? "") && /[\w"]/.test(line[i + 1] ?? "")) {
          out += " ".repeat(1 + Math.floor(random() * 3));
          continue;
        }
        if (!inString && c === " " && random() < 0.3) continue;
        out += c;
        if (!inString && (c === "," || c === "=" || c === "(") && random() < 0.3) out += "   ";
      }
      return random() < 0.2 ? `${out}  \t` : out;
    })
    .join("\n")
    .concat(random() < 0.5 ? "\n\n\n" : "");
}

describe("the formatter (src/graph/formatter.ts)", () => {
  test("every example: idempotent, same tokens and comments, aligned", () => {
    assert.ok(examples.length >= 2);
    for (const file of examples) {
      const text = readFileSync(file, "utf8");
      const once = formatted(text);
      assert.equal(formatted(once), once, `${file} is idempotent`);
      assert.equal(meaning(once), meaning(text), `${file} keeps its tokens and comments`);
      assert.ok(once.endsWith("\n") && !once.endsWith("\n\n"), "one final newline");
      assert.ok(once.split("\n").every((line) => line === line.trimEnd()), "no trailing whitespace");
    }
  });

  test("mutated copies of every example: idempotent and meaning-preserving", () => {
    for (const file of examples) {
      const text = readFileSync(file, "utf8");
      for (let seed = 1; seed <= 40; seed++) {
        const mutated = mutate(text, seed);
        const result = formatGraph(mutated);
        assert.ok(result.ok, `seed ${seed}: ${result.ok ? "" : result.reason}`);
        assert.equal(formatted(result.text), result.text, `${file} seed ${seed} is idempotent`);
        assert.equal(meaning(result.text), meaning(text), `${file} seed ${seed} keeps its meaning`);
      }
    }
  });

  test("aligns `=` and options of consecutive nodes, loops, spacing after commas", () => {
    const text = ["graph g", "input a", "node x = f(a,a)  [cache:1h]", "node longer=f( a , 1 )", "// between", "node y = g(x,{\"k\":[1,2]}) [retry: 2,backoff: 1s]  // note", "", "loop one {x,y}", "loop three { longer }   [concurrency: 2]   "].join("\n");
    assert.equal(
      formatted(text),
      [
        "graph g",
        "input a",
        "node x      = f(a, a)                [cache: 1h]",
        "node longer = f(a, 1)",
        "// between",
        'node y      = g(x, { "k": [1, 2] })  [retry: 2, backoff: 1s] // note',
        "",
        "loop one   { x, y }",
        "loop three { longer }  [concurrency: 2]",
        "",
      ].join("\n"),
    );
  });

  test("multi-line statements keep their lines; a file with syntax errors is refused", () => {
    const multi = "graph g\ninput a\nnode b = f(\n  a,   \n  1,\n)   \n";
    assert.equal(formatted(multi), "graph g\ninput a\nnode b = f(\n  a,\n  1,\n)\n");
    const refused = formatGraph("graph g\nnode b = f(a\ninput = 3\n");
    assert.equal(refused.ok, false);
  });
});

describe("formatting over LSP", () => {
  let client: LspClient;
  before(async () => {
    client = await startLspClient();
  });
  after(() => client.stop());

  const format = async (uri: string) => (await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[] | null;

  test("a misformatted file gets one edit to the formatted text; a formatted one none", async () => {
    const text = mutate(readFileSync(examples[0], "utf8"), 7);
    const uri = await client.open(join(repoRoot, "examples", "scratch-format.graph"), text);
    const edits = (await format(uri)) ?? [];
    assert.equal(edits.length, 1);
    assert.equal(edits[0].newText, formatted(text));
    client.change(uri, edits[0].newText);
    assert.deepEqual((await format(uri)) ?? [], []);
  });

  test("a file with syntax errors gets no edits", async () => {
    const uri = await client.open(join(repoRoot, "examples", "scratch-broken.graph"), "graph g\nnode   b = f(a\ninput = 3   \n");
    assert.deepEqual((await format(uri)) ?? [], []);
  });
});
