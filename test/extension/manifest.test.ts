// What package.json contributes to VS Code (README.md, "The VS Code extension").
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import { OUTPUT_MENU_CONTEXT, PINNED_OUTPUT_MENU_CONTEXT } from "../../debug-adapter/output-pins";
import { PRODUCTION_VIEW_ID } from "../../src/extension/views/production-tree";
import { GRAPH_LENS_COMMANDS } from "../../src/language-server/code-lens";
import { repoRoot } from "../helpers";
import { localized, readManifest } from "./manifest-nls";

interface Command {
  command: string;
  title: string;
  category?: string;
  icon?: string;
}
interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}
interface MenuItem {
  command: string;
  when?: string;
}
interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  categories: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string; description?: string; restrictedConfigurations?: string[] }; virtualWorkspaces: boolean };
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    breakpoints: { language: string }[];
    debuggers: {
      type: string;
      label: string;
      languages: string[];
      program?: string;
      configurationAttributes: { launch: { required?: string[]; properties: Record<string, { type: string; enum?: string[]; default?: unknown; required?: string[]; properties?: Record<string, unknown> }> } };
      initialConfigurations: Record<string, unknown>[];
      configurationSnippets: { label: string; body: Record<string, unknown> }[];
    }[];
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, { type: string; scope?: string; default?: unknown; enum?: string[] }> };
    walkthroughs: { id: string; title: string; description: string; steps: WalkthroughStep[] }[];
  };
}

// Read as VS Code shows it in English; l10n.test.ts checks the placeholders themselves.
const manifest = localized(readManifest()) as Manifest;
const { contributes } = manifest;
const [debuggerContribution] = contributes.debuggers;

/** The attributes of LaunchArguments as debug-adapter/launch-arguments.ts declares them. */
function launchArgumentNames(): string[] {
  const file = join(repoRoot, "debug-adapter", "launch-arguments.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
  const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "LaunchArguments");
  assert.ok(declaration, "launch-arguments.ts declares LaunchArguments");
  return declaration.members.flatMap((member) => (member.name && ts.isIdentifier(member.name) ? [member.name.text] : []));
}

/** The ids src/extension/commands.ts registers: the literals given to registerCommand, and SHOW_OUTPUT_COMMAND's value. */
function registeredCommandIds(): string[] {
  const commands = ["commands.ts", "production-view-commands.ts"].map((file) => readFileSync(join(repoRoot, "src", "extension", file), "utf8")).join("\n");
  const statusBar = readFileSync(join(repoRoot, "src", "extension", "cache-status-bar.ts"), "utf8");
  const literals = [...commands.matchAll(/registerCommand\("([^"]+)"/g)].map((m) => m[1]);
  const showOutput = /SHOW_OUTPUT_COMMAND = "([^"]+)"/.exec(statusBar);
  assert.ok(showOutput && commands.includes("registerCommand(SHOW_OUTPUT_COMMAND"));
  return [...literals, showOutput[1]];
}

/** The commands of a step's buttons: VS Code draws a line that is a single link as a button. */
function buttonCommands(description: string): string[] {
  return description.split("\n").flatMap((line) => {
    const button = /^\[[^\]]+\]\(command:([\w.]+)\)$/.exec(line.trim());
    return button ? [button[1]] : [];
  });
}

describe("package.json contributions", () => {
  test("the bundle VS Code loads, for the minimum VS Code", () => {
    assert.equal(manifest.main, "./dist/extension.js");
    assert.equal(manifest.engines.vscode, "^1.90.0");
    assert.deepEqual(manifest.categories.sort(), ["Debuggers", "Programming Languages"]);
  });

  test("the stepgraph language: *.graph, its configuration and grammar files exist", () => {
    const [language] = contributes.languages;
    assert.equal(language.id, "stepgraph");
    assert.deepEqual(language.extensions, [".graph"]);
    assert.ok(existsSync(join(repoRoot, language.configuration)), language.configuration);
    assert.deepEqual(
      contributes.grammars.map((g) => ({ language: g.language, scopeName: g.scopeName })),
      [{ language: "stepgraph", scopeName: "source.stepgraph" }],
    );
    const grammarPath = join(repoRoot, contributes.grammars[0].path);
    assert.ok(existsSync(grammarPath), grammarPath);
    assert.equal((JSON.parse(readFileSync(grammarPath, "utf8")) as { scopeName: string }).scopeName, "source.stepgraph");
  });

  test("breakpoints can be set in graph files", () => {
    assert.deepEqual(contributes.breakpoints, [{ language: "stepgraph" }]);
  });

  test("the stepgraph debugger, its adapter started by the extension's factory", () => {
    assert.equal(contributes.debuggers.length, 1);
    assert.equal(debuggerContribution.type, "stepgraph");
    assert.equal(debuggerContribution.label, "Stepgraph");
    assert.deepEqual(debuggerContribution.languages, ["stepgraph"]);
    // The DebugAdapterDescriptorFactory starts dist/debug-adapter.js; no program here.
    assert.equal(debuggerContribution.program, undefined);
  });

  test("the launch schema lists every attribute of LaunchArguments, and nothing else", () => {
    const { properties, required } = debuggerContribution.configurationAttributes.launch;
    assert.deepEqual(Object.keys(properties).sort(), launchArgumentNames().sort());
    // No attribute is required: without `graph` the active editor's graph file is launched.
    assert.equal(required, undefined);
    assert.equal(properties.stopOnEntry.default, true);
    assert.deepEqual(properties.cache.enum, ["use", "refresh", "off"]);
    assert.equal(properties.input.type, "object");
    assert.equal(properties.defaultTtlMs.type, "number");
    assert.equal(properties.poolSize.type, "integer");
    assert.equal(properties.replay.type, "object");
    assert.deepEqual(properties.replay.required, ["job"]);
    assert.deepEqual(Object.keys(properties.replay.properties ?? {}), ["job", "redisUrl"]);
  });

  test("initial configurations and snippets are stepgraph launches naming a graph", () => {
    const configurations = [...debuggerContribution.initialConfigurations, ...debuggerContribution.configurationSnippets.map((s) => s.body)];
    assert.ok(configurations.length >= 2);
    for (const configuration of configurations) {
      assert.equal(configuration.type, "stepgraph");
      assert.equal(configuration.request, "launch");
      assert.equal(typeof configuration.graph, "string");
    }
  });

  test("the commands, in category Stepgraph: development, then production", () => {
    assert.deepEqual(
      contributes.commands.map((c) => [c.command, c.title, c.category]),
      [
        ["stepgraph.debugGraph", "Debug Graph", "Stepgraph"],
        ["stepgraph.runGraph", "Run Graph", "Stepgraph"],
        ["stepgraph.clearCache", "Clear Cache for This Graph", "Stepgraph"],
        ["stepgraph.showGraph", "Show Graph", "Stepgraph"],
        ["stepgraph.deployGraph", "Deploy Graph", "Stepgraph"],
        ["stepgraph.startLocalWorkers", "Start Local Workers", "Stepgraph"],
        ["stepgraph.stopLocalWorkers", "Stop Local Workers", "Stepgraph"],
        ["stepgraph.submitJob", "Submit Job", "Stepgraph"],
        ["stepgraph.showProductionStatus", "Show Production Status", "Stepgraph"],
        ["stepgraph.retryJob", "Retry Job", "Stepgraph"],
        ["stepgraph.dropJob", "Drop Job", "Stepgraph"],
        ["stepgraph.debugJob", "Debug Job", "Stepgraph"],
        ["stepgraph.captureNode", "Capture Node on Production", "Stepgraph"],
        ["stepgraph.refreshProductionView", "Refresh Production", "Stepgraph"],
        ["stepgraph.setDeployKey", "Set Deploy Key", "Stepgraph"],
        ["stepgraph.pinOutput", "Pin Output", "Stepgraph"],
        ["stepgraph.unpinOutput", "Unpin", "Stepgraph"],
        ["stepgraph.openExample", "Open Example", "Stepgraph"],
      ],
    );
  });

  test("every command is in the palette for graph editors only, but Pin Output and Unpin, which need a variable, Debug Job, which needs a dead job of the production view, and Open Example and Refresh Production, which need no graph", () => {
    const palette = contributes.menus.commandPalette;
    // Open Example and Refresh Production are left out of the list, so the palette shows them everywhere.
    const everywhere = ["stepgraph.openExample", "stepgraph.refreshProductionView"];
    const listed = contributes.commands.map((c) => c.command).filter((id) => !everywhere.includes(id));
    assert.deepEqual(palette.map((item) => item.command).sort(), listed.sort());
    const fromMenusOnly = ["stepgraph.pinOutput", "stepgraph.unpinOutput", "stepgraph.debugJob"];
    for (const item of palette) assert.equal(item.when, fromMenusOnly.includes(item.command) ? "false" : "editorLangId == stepgraph", item.command);
  });

  test("the production view in a Stepgraph container of the activity bar; Debug Job, Retry Job and Drop Job on its dead jobs (inline and in the context menu), Refresh in its title", () => {
    const manifest = contributes as unknown as {
      viewsContainers: { activitybar: { id: string; title: string }[] };
      views: Record<string, { id: string; name: string }[]>;
      menus: Record<string, { command: string; when: string; group?: string }[]>;
    };
    assert.deepEqual(manifest.viewsContainers.activitybar.map((c) => c.id), ["stepgraph"]);
    assert.deepEqual(manifest.views.stepgraph.map((v) => v.id), [PRODUCTION_VIEW_ID]);
    const onDeadJobs = manifest.menus["view/item/context"].filter((item) => item.when === `view == ${PRODUCTION_VIEW_ID} && viewItem == deadJob`);
    assert.deepEqual(onDeadJobs.filter((item) => item.group?.startsWith("inline")).map((item) => item.command), ["stepgraph.debugJob", "stepgraph.retryJob", "stepgraph.dropJob"]);
    assert.deepEqual(onDeadJobs.filter((item) => !item.group?.startsWith("inline")).map((item) => item.command), ["stepgraph.debugJob", "stepgraph.retryJob", "stepgraph.dropJob"]);
    // An inline action is an icon.
    for (const command of ["stepgraph.debugJob", "stepgraph.retryJob", "stepgraph.dropJob", "stepgraph.refreshProductionView"]) assert.match(contributes.commands.find((c) => c.command === command)?.icon ?? "", /^\$\([a-z-]+\)$/, command);
    assert.deepEqual(manifest.menus["view/title"].map((item) => [item.command, item.when]), [["stepgraph.refreshProductionView", `view == ${PRODUCTION_VIEW_ID}`]]);
  });

  test("Pin Output on every output in the Variables pane of a stepgraph session, Unpin on pinned ones: the adapter's menu contexts", () => {
    const items = contributes.menus["debug/variables/context"];
    assert.deepEqual(
      items.map((item) => [item.command, item.when]),
      [
        ["stepgraph.pinOutput", `debugType == stepgraph && (debugProtocolVariableMenuContext == ${OUTPUT_MENU_CONTEXT} || debugProtocolVariableMenuContext == ${PINNED_OUTPUT_MENU_CONTEXT})`],
        ["stepgraph.unpinOutput", `debugType == stepgraph && debugProtocolVariableMenuContext == ${PINNED_OUTPUT_MENU_CONTEXT}`],
      ],
    );
  });

  test("the language server's CodeLens runs contributed commands", () => {
    for (const { command } of GRAPH_LENS_COMMANDS) assert.ok(contributes.commands.some((c) => c.command === command), command);
  });

  test("every contributed command is registered by the extension, and every registered one is contributed", () => {
    const registered = registeredCommandIds();
    for (const command of contributes.commands) assert.ok(registered.includes(command.command), `${command.command} is not registered`);
    // stepgraph.showOutput is the status bar item's click, not a palette command.
    assert.deepEqual(registered.filter((id) => !contributes.commands.some((c) => c.command === id)), ["stepgraph.showOutput"]);
  });

  test("Run, Debug and Show Graph buttons in the editor title of graph files, each with an icon", () => {
    const buttons = contributes.menus["editor/title"];
    assert.deepEqual(buttons.map((b) => b.command), ["stepgraph.runGraph", "stepgraph.debugGraph", "stepgraph.showGraph"]);
    for (const button of buttons) {
      assert.equal(button.when, "resourceLangId == stepgraph");
      assert.match(contributes.commands.find((c) => c.command === button.command)?.icon ?? "", /^\$\([a-z-]+\)$/, button.command);
    }
  });

  test("the settings, redis.url overridable per machine", () => {
    const settings = contributes.configuration.properties;
    assert.deepEqual(Object.keys(settings).sort(), ["stepgraph.cache.defaultTtl", "stepgraph.codeLens", "stepgraph.deploy.confirm", "stepgraph.graphView.open", "stepgraph.redis.url", "stepgraph.trace.server"]);
    assert.deepEqual([settings["stepgraph.codeLens"].type, settings["stepgraph.codeLens"].default], ["boolean", true]);
    assert.equal(settings["stepgraph.redis.url"].scope, "machine-overridable");
    assert.equal(settings["stepgraph.cache.defaultTtl"].default, "7d");
    assert.equal(settings["stepgraph.deploy.confirm"].type, "boolean");
    assert.deepEqual(settings["stepgraph.trace.server"].enum, ["off", "messages", "verbose"]);
    assert.deepEqual(settings["stepgraph.graphView.open"].enum, ["onDebug", "never"]);
    assert.equal(settings["stepgraph.graphView.open"].default, "onDebug");
  });

  test("the walkthrough: open the example, F5, step, edit a value, deploy; each step with its page and its command", () => {
    assert.equal(contributes.walkthroughs.length, 1);
    const [walkthrough] = contributes.walkthroughs;
    assert.equal(walkthrough.id, "stepgraph.getStarted");
    assert.equal(walkthrough.title, "Get started with Stepgraph");
    assert.ok(walkthrough.description);
    // The step, the command of its button, and what ticks it off.
    const expected: [step: string, button: string, completionEvents: string[]][] = [
      ["openExample", "stepgraph.openExample", ["onCommand:stepgraph.openExample"]],
      ["debug", "stepgraph.debugGraph", ["onContext:debugType == 'stepgraph'"]],
      ["step", "workbench.action.debug.stepOver", ["onCommand:workbench.action.debug.stepOver", "onCommand:workbench.action.debug.stepInto"]],
      ["editValue", "workbench.debug.variablesView.focus", ["onCommand:debug.setVariable"]],
      ["deploy", "stepgraph.deployGraph", ["onCommand:stepgraph.deployGraph"]],
    ];
    assert.deepEqual(
      walkthrough.steps.map((step) => [step.id, buttonCommands(step.description), step.completionEvents]),
      expected.map(([id, button, events]) => [id, [button], events]),
    );
    const contributed = new Set(contributes.commands.map((c) => c.command));
    for (const step of walkthrough.steps) {
      assert.ok(step.title, step.id);
      // Every link to one of ours, in a button or in the text, names a contributed command.
      for (const [, id] of step.description.matchAll(/\]\(command:([\w.]+)/g)) if (id.startsWith("stepgraph.")) assert.ok(contributed.has(id), `${step.id}: ${id}`);
      for (const event of step.completionEvents ?? []) {
        const [kind, argument] = [event.slice(0, event.indexOf(":")), event.slice(event.indexOf(":") + 1)];
        assert.ok(["onCommand", "onContext", "onView", "onSettingChanged", "onLink"].includes(kind), event);
        if (kind === "onCommand" && argument.startsWith("stepgraph.")) assert.ok(contributed.has(argument), event);
      }
      // Its page: a markdown file under walkthrough/ that says what the step is about.
      assert.match(step.media.markdown ?? "", /^walkthrough\/[a-z-]+\.md$/, step.id);
      const page = readFileSync(join(repoRoot, step.media.markdown ?? ""), "utf8");
      assert.match(page, /^# \S/, step.media.markdown);
    }
  });

  test("activation on graph files and stepgraph debugging only", () => {
    assert.deepEqual(manifest.activationEvents.sort(), ["onDebugDynamicConfigurations:stepgraph", "onDebugResolve:stepgraph", "onLanguage:stepgraph"]);
  });

  test("limited support in untrusted workspaces, none in virtual ones", () => {
    const { untrustedWorkspaces, virtualWorkspaces } = manifest.capabilities;
    assert.equal(untrustedWorkspaces.supported, "limited");
    assert.ok(untrustedWorkspaces.description);
    assert.deepEqual(untrustedWorkspaces.restrictedConfigurations, ["stepgraph.redis.url"]);
    assert.equal(virtualWorkspaces, false);
  });
});
