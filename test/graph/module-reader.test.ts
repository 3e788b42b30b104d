import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ExportedMember, ModuleExports, ModuleLookup } from "../../src/graph/module-exports";
import { createModuleReader } from "../../src/graph/module-reader";
import { fixturePath } from "../helpers";

const modulesDir = fixturePath("graph", "fixtures", "modules");
const reader = createModuleReader();

function expectModule(lookup: ModuleLookup): ModuleExports {
  if (!lookup.ok) assert.fail(`expected a module, got ${lookup.reason}: ${lookup.message}`);
  return lookup.module;
}

function expectMember(module: ModuleExports, name: string): ExportedMember {
  const member = module.exports.get(name);
  if (!member) assert.fail(`no export ${name} in ${[...module.exports.keys()].join(", ")}`);
  return member;
}

function expectFailure(lookup: ModuleLookup, reason: "not-found" | "unsupported"): string {
  if (lookup.ok) assert.fail(`expected ${reason}, got a module`);
  assert.equal(lookup.reason, reason);
  assert.doesNotMatch(lookup.message, /\n/, "the message is one line");
  return lookup.message;
}

/** The zero-based line and character where `text` first occurs in `file`. */
function positionOf(file: string, text: string): { line: number; character: number } {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const line = lines.findIndex((candidate) => candidate.includes(text));
  assert.notEqual(line, -1, `${text} not in ${file}`);
  return { line, character: lines[line].indexOf(text) };
}

/** A fresh folder in the temp directory, removed when the test ends. */
function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stepgraph-module-reader-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// --- a TypeScript module ------------------------------------------------------------------

test("lists the value exports of a .ts module, own, renamed and re-exported, but no types", () => {
  const module = expectModule(reader.read("./orders.ts", modulesDir));
  assert.equal(module.file, path.join(modulesDir, "orders.ts"));
  assert.deepEqual([...module.exports.keys()].sort(), [
    "CENTS",
    "Ledger",
    "configure",
    "default",
    "double",
    "fetchOrder",
    "label",
    "loadLines",
    "money",
    "quote",
    "shout",
    "summarize",
  ]);
});

test("a function declaration: parameters, signature, documentation and location", () => {
  const quote = expectMember(expectModule(reader.read("./orders.ts", modulesDir)), "quote");
  assert.equal(quote.callable, true);
  assert.deepEqual(quote.parameters, [
    { name: "order", optional: false, rest: false },
    { name: "currency", optional: true, rest: false },
  ]);
  assert.equal(quote.signature, "quote(order: Order, currency?: Currency): string");
  assert.equal(
    quote.documentation,
    [
      "Prices an order.",
      "*@param* `order` — the order to price",
      "*@param* `currency` — the currency of the quote",
      "*@returns* — the price, formatted",
    ].join("\n\n"),
  );
  const file = path.join(modulesDir, "orders.ts");
  const { line, character } = positionOf(file, "quote(order");
  assert.deepEqual(quote.location, { file, line, character });
});

test("optional and rest parameters", () => {
  const label = expectMember(expectModule(reader.read("./orders.ts", modulesDir)), "label");
  assert.deepEqual(label.parameters, [
    { name: "prefix", optional: true, rest: false },
    { name: "values", optional: false, rest: true },
  ]);
  assert.equal(label.signature, "label(prefix?: string, ...values: number[]): string");
});

test("arrow functions and function expressions in consts are callable", () => {
  const module = expectModule(reader.read("./orders.ts", modulesDir));
  const double = expectMember(module, "double");
  assert.equal(double.callable, true);
  assert.equal(double.signature, "double(n: number): number");
  assert.equal(double.documentation, "Doubles a number.");
  assert.deepEqual(double.location, { file: module.file, ...positionOf(module.file, "double =") });
  assert.equal(expectMember(module, "shout").signature, "shout(text: string): string");
});

test("async functions show their promise, written or inferred", () => {
  const module = expectModule(reader.read("./orders.ts", modulesDir));
  assert.equal(expectMember(module, "fetchOrder").signature, "fetchOrder(id: string): Promise<Order>");
  assert.equal(expectMember(module, "loadLines").signature, "loadLines(id: string): Promise<string[]>");
});

test("a destructured parameter is named by its pattern", () => {
  const configure = expectMember(expectModule(reader.read("./orders.ts", modulesDir)), "configure");
  assert.deepEqual(configure.parameters, [{ name: "{ verbose, depth }", optional: false, rest: false }]);
});

test("constants and classes are listed as not callable", () => {
  const module = expectModule(reader.read("./orders.ts", modulesDir));
  const cents = expectMember(module, "CENTS");
  assert.equal(cents.callable, false);
  assert.deepEqual(cents.parameters, []);
  assert.equal(cents.signature, "CENTS: 100");
  assert.equal(cents.documentation, "How many cents a euro has.");
  const ledger = expectMember(module, "Ledger");
  assert.equal(ledger.callable, false);
  assert.equal(ledger.signature, "class Ledger");
});

test("re-exports point at the declaring file; the default export is named default", () => {
  const module = expectModule(reader.read("./orders.ts", modulesDir));
  const money = expectMember(module, "money");
  assert.equal(money.signature, "money(cents: number, currency: string): string");
  assert.equal(money.documentation, "Formats an amount of cents.");
  const other = path.join(modulesDir, "other.ts");
  assert.deepEqual(money.location, { file: other, ...positionOf(other, "formatMoney(") });

  const summarize = expectMember(module, "summarize");
  assert.equal(summarize.location.file, path.join(modulesDir, "more.ts"));

  const main = expectMember(module, "default");
  assert.equal(main.callable, true);
  assert.deepEqual(main.parameters, [{ name: "n", optional: false, rest: false }]);
  assert.equal(main.location.line, positionOf(module.file, "export default").line);
});

// --- JavaScript and packages ------------------------------------------------------------

test("a .mjs module takes its types and documentation from JSDoc", () => {
  const module = expectModule(reader.read("./notify.mjs", modulesDir));
  const send = expectMember(module, "send");
  assert.deepEqual(send.parameters, [
    { name: "to", optional: false, rest: false },
    { name: "count", optional: true, rest: false },
  ]);
  assert.equal(send.signature, "send(to: string, count?: number): boolean");
  assert.equal(
    send.documentation,
    ["Sends a confirmation.", "*@param* `to` — the address", "*@param* `count` — how many to send", "*@returns* — whether it was sent"].join("\n\n"),
  );
  const greet = expectMember(module, "greet");
  assert.deepEqual(greet.parameters, [{ name: "names", optional: false, rest: true }]);
  assert.equal(greet.documentation, "*@param* `names`");
  assert.equal(expectMember(module, "VERSION").callable, false);
});

test("a package resolves through its exports map to its type declarations", () => {
  const module = expectModule(reader.read("fakepkg", modulesDir));
  assert.equal(module.file, path.join(modulesDir, "node_modules", "fakepkg", "index.d.ts"));
  const add = expectMember(module, "add");
  assert.equal(add.signature, "add(a: number, b: number): number");
  assert.equal(add.documentation, "Adds two numbers.");
  assert.equal(expectMember(module, "PI").callable, false);

  const extra = expectModule(reader.read("fakepkg/extra", modulesDir));
  assert.equal(extra.file, path.join(modulesDir, "node_modules", "fakepkg", "extra.d.ts"));
  assert.deepEqual([...extra.exports.keys()], ["extra"]);
});

test("a package is also found from a folder below the one holding node_modules", () => {
  const module = expectModule(reader.read("fakepkg", path.join(modulesDir, "deeper", "still")));
  assert.ok(module.exports.has("add"));
});

test("a missing package or subpath is not found", () => {
  assert.match(expectFailure(reader.read("no-such-package", modulesDir), "not-found"), /'no-such-package'/);
  assert.match(expectFailure(reader.read("@scope/no-such-package", modulesDir), "not-found"), /'@scope\/no-such-package'/);
  expectFailure(reader.read("fakepkg/not-exported", modulesDir), "not-found");
});

// --- paths that are not modules ---------------------------------------------------------

test("a relative path is resolved from the graph's folder, with ../ too", () => {
  const module = expectModule(reader.read("../modules/orders.ts", modulesDir));
  assert.equal(module.file, path.join(modulesDir, "orders.ts"));
});

test("other extensions are unsupported, whether or not the file exists", () => {
  for (const specifier of ["./data.json", "./orders.cts", "./notes.txt", "./orders", "."]) {
    assert.match(expectFailure(reader.read(specifier, modulesDir), "unsupported"), /\.ts, \.mts, \.js or \.mjs/, specifier);
  }
});

test("a missing file is not found, named as written", () => {
  const message = expectFailure(reader.read("./nodes/missing.ts", modulesDir), "not-found");
  assert.match(message, /'\.\/nodes\/missing\.ts'/);
});

test("user input never throws: a directory, a NUL byte, a syntax error, a script", (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, "folder.ts"));
  expectFailure(reader.read("./folder.ts", dir), "not-found");
  expectFailure(reader.read("./bad\0name.ts", dir), "not-found");
  expectFailure(reader.read("bad\0package", dir), "not-found");

  // TypeScript parses past syntax errors; what it still recognises is listed.
  fs.writeFileSync(path.join(dir, "broken.ts"), "export function ok(a: number) { return a }\nexport function broken(( {\n");
  const broken = expectModule(reader.read("./broken.ts", dir));
  assert.equal(expectMember(broken, "ok").signature, "ok(a: number): number");

  // Without import or export a file is a script: a module with no exports.
  fs.writeFileSync(path.join(dir, "script.js"), "function local() {}\nlocal();\n");
  assert.equal(expectModule(reader.read("./script.js", dir)).exports.size, 0);

  fs.writeFileSync(path.join(dir, "empty.mts"), "");
  assert.equal(expectModule(reader.read("./empty.mts", dir)).exports.size, 0);
});

// --- the cache --------------------------------------------------------------------------

test("a second read of an unchanged module is the very same object", () => {
  const fresh = createModuleReader();
  const first = fresh.read("./orders.ts", modulesDir);
  assert.equal(fresh.read("./orders.ts", modulesDir), first);
  assert.equal(fresh.read("../modules/orders.ts", modulesDir), first, "cached per resolved file");
  const pkg = fresh.read("fakepkg", modulesDir);
  assert.equal(fresh.read("fakepkg", modulesDir), pkg);
});

test("an edit to the module or to a module it imports gives a fresh read", (t) => {
  const dir = tempDir(t);
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  write("dep.ts", "export const base = 1;\n");
  write("main.ts", 'import { base } from "./dep.ts";\nexport function run(x: number) { return base + x; }\n');
  const fresh = createModuleReader();

  const first = fresh.read("./main.ts", dir);
  assert.equal(expectMember(expectModule(first), "run").signature, "run(x: number): number");
  assert.equal(fresh.read("./main.ts", dir), first);

  write("dep.ts", 'export const base = "one";\n');
  const second = fresh.read("./main.ts", dir);
  assert.notEqual(second, first);
  assert.equal(expectMember(expectModule(second), "run").signature, "run(x: number): string");
  assert.equal(fresh.read("./main.ts", dir), second);

  write("main.ts", 'import { base } from "./dep.ts";\nexport function run(x: number) { return base + x; }\nexport function added() {}\n');
  const third = expectModule(fresh.read("./main.ts", dir));
  assert.deepEqual([...third.exports.keys()].sort(), ["added", "run"]);

  fs.rmSync(path.join(dir, "main.ts"));
  expectFailure(fresh.read("./main.ts", dir), "not-found");
});

test("creating a file that an import was missing gives a fresh read", (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, "main.ts"), 'export * from "./later.ts";\nexport const own = 1;\n');
  const fresh = createModuleReader();
  assert.deepEqual([...expectModule(fresh.read("./main.ts", dir)).exports.keys()], ["own"]);

  fs.writeFileSync(path.join(dir, "later.ts"), "export function arrived() {}\n");
  assert.deepEqual([...expectModule(fresh.read("./main.ts", dir)).exports.keys()].sort(), ["arrived", "own"]);
});

test("a missing package is found once it is installed", (t) => {
  const dir = tempDir(t);
  const fresh = createModuleReader();
  const failure = fresh.read("latepkg", dir);
  expectFailure(failure, "not-found");
  assert.equal(fresh.read("latepkg", dir), failure, "the failure is cached while nothing changes");

  const packageDir = path.join(dir, "node_modules", "latepkg");
  fs.mkdirSync(packageDir, { recursive: true });
  fs.writeFileSync(path.join(packageDir, "package.json"), '{ "name": "latepkg", "types": "index.d.ts" }\n');
  fs.writeFileSync(path.join(packageDir, "index.d.ts"), "export declare function late(): void;\n");
  assert.ok(expectModule(fresh.read("latepkg", dir)).exports.has("late"));
});
