// "The extension sends no telemetry" (docs/localization.md): neither the extension nor the
// processes it starts (debug adapter, language server, CLI, workers) report anything to
// anyone. Their only connections are the Redis the user configures and the debug adapter's
// own 127.0.0.1 server. Checked on the shipped bundles (dist/) and on the sources.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import { repoRoot } from "../helpers";

const dist = join(repoRoot, "dist");
const shipped = readdirSync(dist).filter((name) => name.endsWith(".js"));
/** What esbuild built (each with its source map); the others are packages' own builds, copied (elkjs's). */
const bundles = shipped.filter((name) => readdirSync(dist).includes(`${name}.map`));
const copied = shipped.filter((name) => !bundles.includes(name));
/** The graph view's page runs in the browser: it has no require, and the browser's ways to send are looked for instead. */
const browserBundles = ["webview.js"];
const BROWSER_REQUESTS = /\bfetch\(|XMLHttpRequest|WebSocket|sendBeacon/;

/** Node modules that speak HTTP or UDP, and packages that exist to report usage or errors. */
const NETWORK_MODULES = /^(node:)?(http|https|http2|dgram)$/;
const REPORTING_PACKAGES = /telemetry|insights|analytics|sentry|bugsnag|rollbar|segment|mixpanel|posthog|datadog|newrelic|node-fetch|axios|undici|got$/i;

describe("no telemetry", () => {
  test("the shipped bundles load no HTTP or UDP module", () => {
    assert.ok(bundles.includes("extension.js") && bundles.includes("language-server.js"), bundles.join(", "));
    for (const file of shipped.filter((name) => !browserBundles.includes(name))) {
      const required = [...readFileSync(join(dist, file), "utf8").matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
      // The pattern does see a bundle's requires: every bundle esbuild made loads some Node
      // module, or (the CLI's launcher, cli.js) only another shipped bundle, checked in turn.
      const loadsShipped = required.length > 0 && required.every((name) => name.startsWith("./") && bundles.includes(name.slice(2)));
      if (bundles.includes(file)) assert.ok(loadsShipped || required.some((name) => /^(node:)?(fs|path|child_process|net|worker_threads)$/.test(name)), `${file}: ${required.join(", ")}`);
      assert.deepEqual(required.filter((name) => NETWORK_MODULES.test(name)), [], file);
    }
  });

  test("the packages' own builds shipped as they are, and the graph view's page, make no request of their own", () => {
    assert.ok(browserBundles.every((name) => bundles.includes(name)), bundles.join(", "));
    for (const file of [...copied, ...browserBundles]) assert.doesNotMatch(readFileSync(join(dist, file), "utf8"), BROWSER_REQUESTS, file);
  });

  test("no package bundled into them reports usage or errors", () => {
    const packages = new Set<string>();
    for (const bundle of bundles) {
      const map = JSON.parse(readFileSync(join(dist, `${bundle}.map`), "utf8")) as { sources: string[] };
      for (const source of map.sources) {
        const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
        if (name) packages.add(name);
      }
    }
    assert.ok(packages.has("vscode-languageclient"), [...packages].join(", "));
    assert.deepEqual([...packages].filter((name) => REPORTING_PACKAGES.test(name)), []);
  });

  test("the sources call no fetch, no telemetry API, and send no DAP or LSP telemetry event", () => {
    const files = [...typeScriptFiles(join(repoRoot, "src")), ...typeScriptFiles(join(repoRoot, "debug-adapter"))];
    assert.ok(files.length > 50);
    const found = files.flatMap((file) => telemetryUses(relative(repoRoot, file), readFileSync(file, "utf8")));
    assert.deepEqual(found, []);
  });

  test("the check above finds each kind of use", () => {
    const source = [
      'import * as https from "node:https";',
      'import { OutputEvent } from "@vscode/debugadapter";',
      'void fetch("https://example.com/collect");',
      'const logger = vscode.env.createTelemetryLogger(sender);',
      'connection.telemetry.logEvent({ opened: 1 });',
      'session.sendEvent(new OutputEvent("x", "telemetry"));',
      'if (message.body?.category === "telemetry") skip();',
    ].join("\n");
    assert.deepEqual(telemetryUses("sample.ts", source), [
      "sample.ts:1 imports node:https",
      "sample.ts:3 calls fetch",
      "sample.ts:4 uses createTelemetryLogger",
      "sample.ts:5 uses telemetry",
      'sample.ts:6 says "telemetry"',
    ]);
  });
});

/** Each way a source could send telemetry, as "file:line what"; comparing with "telemetry" (to ignore such events) is not one. */
function telemetryUses(file: string, source: string): string[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${file}:${sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1} ${what}`);
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const name = node.moduleSpecifier.text;
      if (NETWORK_MODULES.test(name) || REPORTING_PACKAGES.test(name)) at(node, `imports ${name}`);
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "fetch") {
      at(node, "calls fetch");
    } else if (ts.isPropertyAccessExpression(node) && /^(createTelemetryLogger|telemetry|sendTelemetryEvent|sendTelemetryErrorEvent)$/.test(node.name.text)) {
      at(node.name, `uses ${node.name.text}`);
    } else if (ts.isStringLiteral(node) && /^telemetry(\/event)?$/.test(node.text) && !isCompared(node)) {
      at(node, `says "${node.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function isCompared(node: ts.Node): boolean {
  const parent = node.parent;
  return ts.isBinaryExpression(parent) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(parent.operatorToken.kind);
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}
