// Localization stays complete: the checked-in bundle is what l10n-dev extracts from the
// sources now, package.json's texts are all in package.nls.json, and no message, input box
// or quick pick is handed text that bypasses vscode.l10n.t (docs/localization.md).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { after, describe, test } from "node:test";
import * as l10n from "@vscode/l10n";
import { untrustedMessage } from "../../src/extension/debug-configuration";
import { deployedMessage } from "../../src/extension/deploy-result";
import { jobMessage } from "../../src/extension/submit-result";
import { repoRoot } from "../helpers";
import { placeholderKey, readManifest, readNls, stringValues } from "./manifest-nls";
import { rawUiStrings } from "./raw-ui-strings";

const extensionSources = join(repoRoot, "src", "extension");
const scratch = mkdtempSync(join(tmpdir(), "stepgraph-l10n-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** `vscode-l10n-dev export`, as `npm run l10n` runs it, into `outDir`. */
function exportBundle(sources: string, outDir: string): void {
  const packageDir = join(repoRoot, "node_modules", "@vscode", "l10n-dev");
  const bin = (readJson(join(packageDir, "package.json")).bin as Record<string, string>)["vscode-l10n-dev"];
  const result = spawnSync(process.execPath, [join(packageDir, bin), "export", "--outDir", outDir, sources], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr + result.stdout);
}

describe("the l10n bundle", () => {
  test("package.json points VS Code at l10n/, and `npm run l10n` writes it", () => {
    const manifest = readManifest() as { l10n: string; scripts: Record<string, string> };
    assert.equal(manifest.l10n, "./l10n");
    assert.equal(manifest.scripts.l10n, "vscode-l10n-dev export --outDir ./l10n ./src/extension");
  });

  test("l10n/bundle.l10n.json is what l10n-dev exports from src/extension now (run `npm run l10n` after changing a message)", () => {
    const outDir = join(scratch, "fresh");
    exportBundle("./src/extension", outDir);
    const fresh = readJson(join(outDir, "bundle.l10n.json"));
    const checkedIn = readJson(join(repoRoot, "l10n", "bundle.l10n.json"));
    const missing = Object.keys(fresh).filter((key) => !(key in checkedIn));
    const stale = Object.keys(checkedIn).filter((key) => !(key in fresh));
    assert.deepEqual({ missing, stale }, { missing: [], stale: [] });
    assert.deepEqual(checkedIn, fresh);
    // Both ways of translating are extracted: vscode.l10n.t and the pure modules' @vscode/l10n.
    assert.equal(checkedIn["Show Output"], "Show Output");
    assert.equal(checkedIn["Job {0} of {1}: done"], "Job {0} of {1}: done");
  });

  test("a message added without re-exporting is caught: the export sees every new vscode.l10n.t text", () => {
    const sources = join(scratch, "sources");
    const outDir = join(scratch, "with-new-message");
    rmSync(sources, { recursive: true, force: true });
    // A copy of the sources with one more message in it.
    for (const file of typeScriptFiles(extensionSources)) {
      const copy = join(sources, relative(extensionSources, file));
      writeFile(copy, readFileSync(file, "utf8"));
    }
    writeFile(join(sources, "added.ts"), 'import * as vscode from "vscode";\nexport const added = () => vscode.l10n.t("A message nobody exported, {0}", 1);\n');
    exportBundle(sources, outDir);
    const fresh = readJson(join(outDir, "bundle.l10n.json"));
    const checkedIn = readJson(join(repoRoot, "l10n", "bundle.l10n.json"));
    assert.equal(fresh["A message nobody exported, {0}"], "A message nobody exported, {0}");
    assert.notDeepEqual(checkedIn, fresh);
  });
});

describe("translations reach the modules that import no vscode", () => {
  test("handed a bundle as activate() hands over vscode.l10n.bundle, their messages are translated, arguments in place", () => {
    const checkedIn = readJson(join(repoRoot, "l10n", "bundle.l10n.json"));
    const translations: Record<string, string> = {
      "Job {0} of {1}: done": "Auftrag {0} von {1}: erledigt",
      "Deployed {0} version {1}: loops {2}": "{0} Version {1} bereitgestellt: Schleifen {2}",
      "{0} (1 worker)": "{0} (1 Worker)",
    };
    for (const key of Object.keys(translations)) assert.ok(key in checkedIn, key);
    // English until a bundle is given (VS Code gives none for English).
    assert.equal(jobMessage("orders", { id: "7", status: "done" }), "Job 7 of orders: done");
    l10n.config({ contents: translations });
    try {
      assert.equal(jobMessage("orders", { id: "7", status: "done" }), "Auftrag 7 von orders: erledigt");
      assert.equal(deployedMessage({ graph: "orders", version: 3, loops: [{ name: "intake", workers: 1 }] }), "orders Version 3 bereitgestellt: Schleifen intake (1 Worker)");
      // What the bundle lacks stays English.
      assert.match(untrustedMessage(), /^Stepgraph runs no graph in an untrusted workspace/);
    } finally {
      l10n.config({ contents: {} });
    }
  });
});

describe("package.nls.json", () => {
  const manifest = readManifest();
  const nls = readNls();
  const used = stringValues(manifest).flatMap(({ path, text }) => {
    const key = placeholderKey(text);
    return key === undefined ? [] : [{ path, key }];
  });

  test("every %key% in package.json has its text", () => {
    assert.ok(used.length > 30, `only ${used.length} placeholders`);
    assert.deepEqual(used.filter(({ key }) => typeof nls[key] !== "string" || nls[key].trim() === ""), []);
  });

  test("every text in package.nls.json is used", () => {
    const keys = new Set(used.map(({ key }) => key));
    assert.deepEqual(Object.keys(nls).filter((key) => !keys.has(key)), []);
  });

  test("every text package.json shows (titles, descriptions, names, labels) is a %key%", () => {
    assert.deepEqual(untranslatedTexts(manifest), []);
  });

  test("the check above notices a title written in package.json", () => {
    const manifestWithRawTitle = { contributes: { commands: [{ command: "stepgraph.x", title: "Do X", category: "Stepgraph" }] } };
    assert.deepEqual(untranslatedTexts(manifestWithRawTitle), ["contributes.commands[0].title: Do X"]);
  });
});

describe("text shown by the extension goes through vscode.l10n.t", () => {
  test("no message, input box or quick pick in src/extension is handed a literal", () => {
    const files = typeScriptFiles(extensionSources);
    assert.ok(files.length > 20);
    const found = files.flatMap((file) => rawUiStrings(relative(repoRoot, file), readFileSync(file, "utf8")));
    assert.deepEqual(
      found.map((f) => `${f.file}:${f.line} ${f.call}: ${f.text}`),
      [],
    );
  });

  test("the walker finds literals however they are written, and lets translated text and variables pass", () => {
    const source = [
      'import * as vscode from "vscode";',
      'import { window } from "vscode";',
      "declare const name: string, message: string;",
      'vscode.window.showErrorMessage("Stepgraph: it broke");',
      "vscode.window.showWarningMessage(`Deploy ${name}?`, { modal: true, detail: 'It replaces the active version.' }, 'Deploy');",
      'window.showInformationMessage("Hello " + name);',
      "vscode.window.showInputBox({ title: `Key`, prompt: vscode.l10n.t(\"The key\"), value: \"{}\" });",
      'vscode.window.showQuickPick(["one", { label: vscode.l10n.t("two"), description: "second" }], { placeHolder: name ? "pick" : message });',
      "vscode.window.showErrorMessage(",
      "  // a comment does not hide it",
      "  'spread over lines',",
      ");",
      'vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: {0} failed", name), vscode.l10n.t("Show Output"));',
      "vscode.window.showErrorMessage(message);",
      'other.showErrorMessage("not vscode.window");',
      'vscode.window.setStatusBarMessage("not a checked call");',
    ].join("\n");
    assert.deepEqual(
      rawUiStrings("sample.ts", source).map((f) => [f.line, f.call, f.text]),
      [
        [4, "showErrorMessage", '"Stepgraph: it broke"'],
        [5, "showWarningMessage", "`Deploy ${name}?`"],
        [5, "showWarningMessage", "'It replaces the active version.'"],
        [5, "showWarningMessage", "'Deploy'"],
        [6, "showInformationMessage", '"Hello " + name'],
        [7, "showInputBox", "`Key`"],
        [8, "showQuickPick", '"one"'],
        [8, "showQuickPick", '"second"'],
        [8, "showQuickPick", 'name ? "pick" : message'],
        [11, "showErrorMessage", "'spread over lines'"],
      ],
    );
  });
});

/** Shown text in package.json that is not a %key%, as "path: text". The product's name stays untranslated. */
function untranslatedTexts(manifest: unknown): string[] {
  const shownField = /(^|\.)(title|description|markdownDescription|patternErrorMessage|deprecationMessage|markdownDeprecationMessage|name|label|contents|altText)$|(enumDescriptions|markdownEnumDescriptions)\[\d+\]$/;
  // The language's aliases and the snippets' bodies (what they insert into launch.json) are not shown text.
  const notShown = /^contributes\.languages|\.body\./;
  const record = manifest as Record<string, unknown>;
  return stringValues({ description: record.description, capabilities: record.capabilities, contributes: record.contributes })
    .filter(({ path, text }) => shownField.test(path) && !notShown.test(path) && placeholderKey(text) === undefined && text !== "Stepgraph")
    .map(({ path, text }) => `${path}: ${text}`);
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

function writeFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
