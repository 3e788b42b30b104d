#!/usr/bin/env node
// @ts-check
/* global window, fetch, setTimeout, HTMLSelectElement */
// End-to-end test of the VS Code extension in a real VS Code: code-server in Debian's
// headless Chromium, driven with playwright-core as a user would, on a copy of
// examples/orders. `npm run test:e2e` (node test/e2e/run-e2e.mjs); no build step of its own.
//
// What it needs and does, in order:
//   - Debian packages chromium, libkrb5-dev (code-server's kerberos module builds against it),
//     ripgrep and redis-server: installed with apt-get (after apt-get update) only when
//     missing, which needs root.
//   - code-server (CODE_SERVER_VERSION) in $STEPGRAPH_E2E_CACHE/code-server (default
//     ~/.cache/stepgraph-e2e/code-server), installed from the npm registry when missing. Its
//     @vscode/ripgrep postinstall would download ripgrep from GitHub: the tarball it wants is
//     made first from Debian's rg, in the cache folder that postinstall looks in.
//   - stepgraph.vsix: `npm run package` is run when it is missing or older than the sources.
//   - A private redis-server and code-server on free ports, with their own user data,
//     extensions folder, config.yaml and XDG folders under a temp folder: nothing is written
//     to ~/.config/code-server or ~/.local/share/code-server, and the Redis on 127.0.0.1:6379
//     is never touched (stepgraph.redis.url points at the private one, in both the User and
//     the Machine settings: code-server's window is a remote one, which reads the latter).
//   - The steps (STEPS below), each followed by a screenshot test-results/e2e/NN-name.png.
//     The first failing step is named, its screenshot kept, the workbench's relevant text
//     printed, and the rest skipped; the exit status is then 1.
//   - Everything it started (redis-server, code-server and what it spawned, Chromium) is
//     stopped in every case, by process group, and a final sweep checks nothing is left.
// The last line is `e2e: N passed, M failed`.
//
// The production steps deploy from the palette (confirming the modal, typing the deploy key
// into the extension's prompt), start one local worker per loop, submit the example's input
// and read the status, all against the private Redis. Then a job that dies: this run's copy
// of the example has a customer in Austria (AUSTRIA_CUSTOMER), for whom pricing.ts has no VAT
// rates; her order, submitted with the CLI, dies at quote. The production view (the Stepgraph
// activity bar container) lists it under Dead jobs; its Debug Job replays it and stops before
// quote with production's values (country "AT"); the fix (AT's rates) is written to
// pricing.ts and deployed as version 2; Retry Job sends the job back, and it is done.
// The graph view (which the first debug session opens beside the editor) is read in its
// webview's DOM at each stop: every node named, at entry all pending with customer current,
// at the breakpoint on quote what it reads done, after F10 quote done, at the end all done;
// a click on a node then puts the editor's cursor on its line. At the end, after the
// production steps (a pin would make deploy warn), Pin Output from the Variables pane's
// context menu pins quote (the option on its line, the pin file beside the graph), the next
// run shows quote pinned, and Unpin takes both away again.
// The walkthrough is opened once the graph is (VS Code follows its completion events only
// once its Welcome page was opened): its first button, Open Example, opens orders.graph, which
// the workspace holds; at the end the steps this run did (debug, step, deploy) are ticked off.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CODE_SERVER_VERSION = "4.100.3";
/** The @vscode/ripgrep that code-server CODE_SERVER_VERSION depends on, and the ripgrep build it fetches. */
const RIPGREP_CACHE = join(tmpdir(), "vscode-ripgrep-cache-1.15.11");
const RIPGREP_TARBALL = "ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz";
const CACHE = process.env.STEPGRAPH_E2E_CACHE ?? join(homedir(), ".cache", "stepgraph-e2e");
const CODE_SERVER_DIR = join(CACHE, "code-server");
const CODE_SERVER_BIN = join(CODE_SERVER_DIR, "node_modules", ".bin", "code-server");
const VSIX = join(ROOT, "stepgraph.vsix");
const SHOTS = join(ROOT, "test-results", "e2e");
const STEP_TIMEOUT_MS = 90_000;

/** @typedef {import("playwright-core").Page} Page */
/** @typedef {import("node:child_process").ChildProcess} ChildProcess */
/**
 * What the steps share.
 * @typedef {object} Run
 * @property {Page} page
 * @property {string} workspace the copy of examples/orders code-server has open
 * @property {number} redisPort the private Redis's port
 */
/** @typedef {{ name: string, run: (r: Run) => Promise<void> }} Step */

/** Process groups started here (pid = pgid), stopped whatever happens. */
const groups = new Map();

function log(/** @type {string} */ text) {
  console.log(`e2e: ${text}`);
}

// ---------------------------------------------------------------------------------------
// Setting up the machine

/** @param {string} command */
function hasCommand(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** @param {string} pkg */
function hasDebianPackage(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

/**
 * Runs a command to its end, its output shown; throws on a non-zero exit.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 */
function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(" ")}`);
  const r = spawnSync(command, args, { stdio: "inherit", cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
}

function ensureDebianPackages() {
  /** @type {string[]} */
  const missing = [];
  if (!hasCommand("chromium")) missing.push("chromium");
  if (!hasCommand("rg")) missing.push("ripgrep");
  if (!hasCommand("redis-server")) missing.push("redis-server");
  if (!hasDebianPackage("libkrb5-dev")) missing.push("libkrb5-dev");
  if (missing.length === 0) return;
  if (!hasCommand("apt-get")) throw new Error(`missing ${missing.join(", ")} and no apt-get to install them with`);
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(", ")}: run as root (apt-get) or install them first`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], { env });
  run("apt-get", ["install", "-y", "-qq", ...missing], { env });
}

/** The tarball @vscode/ripgrep's postinstall looks for in its cache before it downloads. */
function ensureRipgrepTarball() {
  const tarball = join(RIPGREP_CACHE, RIPGREP_TARBALL);
  if (existsSync(tarball)) return;
  if (process.arch !== "x64") throw new Error(`the ripgrep tarball is prepared for x64 only, not ${process.arch}`);
  const rg = spawnSync("sh", ["-c", "command -v rg"], { encoding: "utf8" }).stdout.trim();
  mkdirSync(RIPGREP_CACHE, { recursive: true });
  run("tar", ["-czf", tarball, "-C", dirname(rg), "rg"]);
}

/** Whether the cache holds code-server CODE_SERVER_VERSION (read from its package.json: running
 * `code-server --version` would write ~/.config/code-server/config.yaml). */
function codeServerInstalled() {
  const manifest = join(CODE_SERVER_DIR, "node_modules", "code-server", "package.json");
  if (!existsSync(CODE_SERVER_BIN) || !existsSync(manifest)) return false;
  return JSON.parse(readFileSync(manifest, "utf8")).version === CODE_SERVER_VERSION;
}

function ensureCodeServer() {
  if (codeServerInstalled()) return;
  ensureRipgrepTarball();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (about a minute)`);
  rmSync(CODE_SERVER_DIR, { recursive: true, force: true });
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  const env = { ...process.env, npm_config_unsafe_perm: "true", npm_config_yes: "true" };
  run("npm", ["install", "--no-audit", "--no-fund", "--prefix", CODE_SERVER_DIR, `code-server@${CODE_SERVER_VERSION}`], { env, cwd: CODE_SERVER_DIR });
  if (!codeServerInstalled()) throw new Error(`no code-server ${CODE_SERVER_VERSION} in ${CODE_SERVER_DIR} after installing it`);
}

/** Newest modification time of a file under path (or of path itself). */
/** @returns {number} */
function newestMtime(/** @type {string} */ path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((/** @type {number} */ newest, name) => Math.max(newest, newestMtime(join(path, name))), s.mtimeMs);
}

function ensureVsix() {
  const sources = ["src", "debug-adapter", "syntaxes", "package.json", "language-configuration.json", "esbuild.mjs", "package-vsix.mjs"];
  if (existsSync(VSIX) && statSync(VSIX).mtimeMs >= Math.max(...sources.map((s) => newestMtime(join(ROOT, s))))) return;
  log(existsSync(VSIX) ? "stepgraph.vsix is older than the sources: packaging it again" : "no stepgraph.vsix: packaging it");
  run("npm", ["run", "package"]);
}

// ---------------------------------------------------------------------------------------
// Processes

/** A free TCP port on 127.0.0.1 (never 6379). */
async function freePort() {
  for (;;) {
    const port = await new Promise((ok, fail) => {
      const server = createServer();
      server.once("error", fail);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => ok(typeof address === "object" && address ? address.port : 0));
      });
    });
    if (port !== 6379 && port !== 0) return /** @type {number} */ (port);
  }
}

/**
 * Starts a long-running process in a process group of its own, its output in logFile.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {{ logFile: string, cwd?: string, env?: NodeJS.ProcessEnv }} options
 */
function startGroup(name, command, args, options) {
  // The child writes its log file directly: no pipe of ours to keep it waiting.
  const out = openSync(options.logFile, "w");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", out, out], cwd: options.cwd, env: options.env ?? process.env });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  groups.set(child.pid, name);
  return child;
}

function groupAlive(/** @type {number} */ pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(/** @type {number} */ pgid, /** @type {NodeJS.Signals} */ signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL after 5 s, to one process group; waits until it is gone. */
async function stopGroup(/** @type {number} */ pgid) {
  signalGroup(pgid, "SIGTERM");
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
  if (groupAlive(pgid)) {
    log(`${groups.get(pgid)} (process group ${pgid}) ignored SIGTERM: killing it`);
    signalGroup(pgid, "SIGKILL");
    for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
  }
  groups.delete(pgid);
}

/** Last resort when node exits without the cleanup having run (an uncaught error, a signal). */
function killGroupsNow() {
  for (const pgid of groups.keys()) signalGroup(pgid, "SIGKILL");
}

/** Pids of the processes whose command line mentions path (what the groups may have left). */
function processesMentioning(/** @type {string} */ path) {
  /** @type {{ pid: number, cmd: string }[]} */
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      if (cmd.includes(path)) found.push({ pid: Number(entry), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * Sends one command to a Redis and returns its raw reply.
 * @param {number} port
 * @param {string} command
 */
function redisCommand(port, command) {
  return new Promise((ok, fail) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    socket.setTimeout(2000, () => socket.destroy(new Error(`no answer from 127.0.0.1:${port}`)));
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (data) => {
      reply += data.toString();
      if (reply.endsWith("\r\n")) socket.end();
    });
    socket.on("end", () => ok(reply.trim()));
    socket.on("error", fail);
  });
}

/** Starts a private redis-server (no persistence) and waits for its PONG. */
async function startRedis(/** @type {string} */ dir) {
  const port = await freePort();
  mkdirSync(join(dir, "redis"), { recursive: true });
  startGroup("redis-server", "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", join(dir, "redis")], {
    logFile: join(dir, "redis.log"),
  });
  await waitUntil(`redis-server on ${port}`, 10_000, async () => (await redisCommand(port, "PING").catch(() => "")) === "+PONG");
  return port;
}

/**
 * The settings: the private Redis, no trust prompt, no welcome page, no telemetry.
 * @param {string} userData
 * @param {number} redisPort
 */
function writeSettings(userData, redisPort) {
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const user = {
    "stepgraph.redis.url": redisUrl,
    "security.workspace.trust.enabled": false,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.welcomePage.walkthroughs.openOnInstall": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "chat.commandCenter.enabled": false,
  };
  for (const [folder, settings] of [["User", user], ["Machine", { "stepgraph.redis.url": redisUrl }]]) {
    mkdirSync(join(userData, /** @type {string} */ (folder)), { recursive: true });
    writeFileSync(join(userData, /** @type {string} */ (folder), "settings.json"), `${JSON.stringify(settings, null, 2)}\n`);
  }
}

/**
 * Installs the .vsix and starts code-server on the workspace; resolves once it answers.
 * @param {string} dir the temp folder
 * @param {string} workspace
 * @param {number} redisPort
 */
async function startCodeServer(dir, workspace, redisPort) {
  const port = await freePort();
  const userData = join(dir, "user-data");
  const extensions = join(dir, "extensions");
  const config = join(dir, "config.yaml");
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  writeSettings(userData, redisPort);
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(dir, "xdg-config"),
    XDG_DATA_HOME: join(dir, "xdg-data"),
    STEPGRAPH_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
  };
  const common = ["--config", config, "--user-data-dir", userData, "--extensions-dir", extensions];
  run(CODE_SERVER_BIN, [...common, "--install-extension", VSIX], { env });
  startGroup("code-server", CODE_SERVER_BIN, [...common, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", workspace], {
    logFile: join(dir, "code-server.log"),
    env,
  });
  await waitUntil(`code-server on ${port}`, 60_000, async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true);
  return port;
}

/**
 * Debian's Chromium, headless. Playwright starts it as the leader of a process group; its
 * pid joins the groups stopped at the end.
 */
async function startBrowser() {
  const executablePath = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).stdout.trim();
  const server = await chromium.launchServer({
    executablePath,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const pid = server.process().pid;
  if (pid !== undefined) groups.set(pid, "chromium");
  return { server, browser: await chromium.connect(server.wsEndpoint()) };
}

// ---------------------------------------------------------------------------------------
// Waiting and reading the workbench

function sleep(/** @type {number} */ ms) {
  return new Promise((ok) => setTimeout(ok, ms));
}

/**
 * Polls until check returns true; the error says what was awaited and what was seen last.
 * @param {string} what
 * @param {number} timeoutMs
 * @param {() => Promise<boolean>} check
 * @param {() => Promise<unknown>} [seen] what to print when it times out
 */
async function waitUntil(what, timeoutMs, check, seen) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const last = seen ? `; last seen: ${JSON.stringify(await seen().catch((e) => String(e)), null, 1)}` : "";
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last}`);
    }
    await sleep(250);
  }
}

/** innerText of every element matching selector, newlines as " | ". */
async function texts(/** @type {Page} */ page, /** @type {string} */ selector) {
  return page.$$eval(selector, (els) => els.map((e) => /** @type {HTMLElement} */ (e).innerText.replace(/\n+/g, " | ").trim())).catch(() => /** @type {string[]} */ ([]));
}

/** The Variables pane, indented by level. */
async function variables(/** @type {Page} */ page) {
  return page
    .$$eval(".debug-variables .monaco-list-row", (els) =>
      els.map((e) => "  ".repeat(Number(e.getAttribute("aria-level") ?? 1) - 1) + /** @type {HTMLElement} */ (e).innerText.replace(/\n+/g, " ").trim()),
    )
    .catch(() => /** @type {string[]} */ ([]));
}

const callStack = (/** @type {Page} */ page) => texts(page, ".debug-call-stack .monaco-list-row");
/**
 * The debug console's rows, of the graph's session: each node host's child session of the
 * JavaScript debugger has a console of its own (VS Code starts a startDebugging session with a
 * separate one), and the console follows the focused session, or shows a child's once the
 * graph's has ended: the graph's is picked in the console's session list first.
 */
async function debugConsole(/** @type {Page} */ page) {
  const picker = page.locator(".panel select.monaco-select-box").filter({ has: page.locator("option", { hasText: /^Debug orders\.graph/ }) });
  if ((await picker.count()) > 0) {
    const graphSession = await picker.first().locator("option", { hasText: /^Debug orders\.graph/ }).first().textContent();
    if (graphSession && (await picker.first().evaluate((select) => select instanceof HTMLSelectElement && select.options[select.selectedIndex]?.text)) !== graphSession) {
      await picker.first().selectOption({ label: graphSession }).catch(() => undefined);
    }
  }
  return texts(page, ".repl .monaco-list-row");
}
const problems = (/** @type {Page} */ page) => texts(page, ".markers-panel .monaco-list-row");

/** Expands a scope of the Variables pane (Inputs, Node, Outputs) if it is collapsed. */
async function expandScope(/** @type {Page} */ page, /** @type {string} */ name) {
  const row = page.locator(`.debug-variables .monaco-list-row[aria-level="1"]`, { hasText: new RegExp(`^${name}$`) }).first();
  await row.waitFor({ state: "visible", timeout: 15_000 });
  if ((await row.getAttribute("aria-expanded")) === "false") await row.click();
  await waitUntil(`the ${name} scope expanded`, 10_000, async () => (await row.getAttribute("aria-expanded")) === "true");
}

/** Waits for the Variables pane to hold a row matching pattern (scopes expanded as they come). */
async function waitForVariable(/** @type {Page} */ page, /** @type {string} */ scope, /** @type {RegExp} */ pattern) {
  await waitUntil(
    `a variable ${pattern} under ${scope}`,
    20_000,
    async () => {
      await expandScope(page, scope).catch(() => undefined);
      return (await variables(page)).some((row) => pattern.test(row.trim()));
    },
    () => variables(page),
  );
}

/** Focuses the editor of the open graph (clicking a line's text would move the cursor: the tab instead). */
async function focusEditor(/** @type {Page} */ page) {
  await page.locator(".tabs-container .tab", { hasText: "orders.graph" }).first().click();
  await page.locator(".editor-instance .monaco-editor textarea, .editor-instance .monaco-editor .native-edit-context").first().focus();
}

/** Moves the cursor with Go to Line (Ctrl+G), "LINE" or "LINE:COLUMN". */
async function goTo(/** @type {Page} */ page, /** @type {string} */ position) {
  await focusEditor(page);
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
  await page.keyboard.type(position);
  await page.keyboard.press("Enter");
  const [line, column = "1"] = position.split(":");
  await waitUntil(`the cursor at ${position}`, 5000, async () => (await texts(page, "#status\\.editor\\.selection")).some((t) => t.includes(`Ln ${line}, Col ${column}`)), () => texts(page, "#status\\.editor\\.selection"));
}

/** The rendered editor lines containing `contains` (Monaco renders spaces as U+00A0). */
async function lineText(/** @type {Page} */ page, /** @type {string} */ contains) {
  return page.$$eval(".editor-instance .view-line", (els, c) => els.map((e) => (e.textContent ?? "").replace(/\u00a0/g, " ")).filter((t) => t.includes(c)), contains);
}

/**
 * The graph's top stack frame's label, once the debugger is paused. The node hosts' child
 * sessions of the JavaScript debugger add their own rows to the call stack (a session row
 * each, "Remote Process [0] « node host PID", and their frames when paused): the graph's
 * frames are the rows in a .graph file.
 */
async function topFrame(/** @type {Page} */ page) {
  return (await callStack(page)).find((row) => /\.graph \| \d+:\d+$/.test(row)) ?? "";
}

/** The top stack frame in a TypeScript file (a node host's child session paused in node code), or "". */
async function topCodeFrame(/** @type {Page} */ page) {
  return (await callStack(page)).find((row) => /\.ts \| \d+:\d+$/.test(row)) ?? "";
}

/** The y centre of the line number `line` in the editor's margin, or undefined when not rendered. */
async function lineNumberY(/** @type {Page} */ page, /** @type {number} */ line) {
  const box = await page.locator(".editor-instance .line-numbers", { hasText: new RegExp(`^${line}$`) }).first().boundingBox().catch(() => null);
  return box ? box.y + box.height / 2 : undefined;
}

/** The y centres of the glyphs matching selector in the editor's glyph margin. */
async function glyphYs(/** @type {Page} */ page, /** @type {string} */ selector) {
  return page.$$eval(`.editor-instance ${selector}`, (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return r.y + r.height / 2;
    }),
  );
}

/** Presses a debug key (F5, F10) with the editor focused. */
async function debugKey(/** @type {Page} */ page, /** @type {string} */ key) {
  await focusEditor(page);
  await page.keyboard.press(key);
}

/** Waits until the debugger is paused with a top frame matching pattern. */
async function waitForStop(/** @type {Page} */ page, /** @type {RegExp} */ pattern, /** @type {string} */ what) {
  // A session started with the production view in the side bar leaves it there: Run and Debug shows the call stack and the variables.
  if (!(await page.locator(".debug-call-stack").first().isVisible().catch(() => false))) await runPaletteCommand(page, "View: Show Run and Debug");
  await waitUntil(what, 60_000, async () => pattern.test(await topFrame(page)), async () => ({ callStack: await callStack(page), debugConsole: await debugConsole(page), dialogs: await texts(page, ".monaco-dialog-box") }));
}

/** Waits until the debug session has ended (the debug toolbar gone). */
async function waitForSessionEnd(/** @type {Page} */ page) {
  await waitUntil("the debug session ended", 30_000, async () => (await page.locator(".debug-toolbar").count()) === 0 || !(await page.locator(".debug-toolbar").first().isVisible()));
}

/** Runs a command by its title from the command palette (F1), with the graph's editor focused. */
async function runPaletteCommand(/** @type {Page} */ page, /** @type {string} */ title) {
  await focusEditor(page);
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await page.keyboard.type(title);
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first().waitFor({ state: "visible", timeout: 10_000 });
  await page.keyboard.press("Enter");
}

/** Shows an output channel in the Output panel, picked by name with "Output: Show Output Channels...". */
async function showOutputChannel(/** @type {Page} */ page, /** @type {string} */ name) {
  await runPaletteCommand(page, "Output: Show Output Channels");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
  await page.keyboard.type(name);
  // The channel itself is the first match (its name is typed in full); Enter picks it.
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: name }).first().waitFor({ state: "visible", timeout: 10_000 });
  await page.keyboard.press("Enter");
}

/** The text of the Output panel's visible lines (the channel it shows). */
// Monaco renders spaces as U+00A0.
const outputLines = async (/** @type {Page} */ page) => (await texts(page, ".panel .output-view .view-line, .panel [id='workbench.panel.output'] .view-line")).map((line) => line.replace(/\u00a0/g, " "));
const notifications = (/** @type {Page} */ page) => texts(page, ".notifications-toasts .notification-toast");

/** Waits for a notification matching pattern. */
async function waitForNotification(/** @type {Page} */ page, /** @type {RegExp} */ pattern, /** @type {number} */ timeoutMs = 60_000) {
  await waitUntil(`a notification ${pattern}`, timeoutMs, async () => (await notifications(page)).some((t) => pattern.test(t)), async () => ({ notifications: await notifications(page), dialogs: await texts(page, ".monaco-dialog-box"), output: (await outputLines(page)).slice(-15) }));
}

/** The dead job the production steps debug and retry. */
const deadJob = { id: "" };

/** The customer this run's copy of the example adds to its catalogue: in Austria, for which pricing.ts has no VAT rates. */
const AUSTRIA_CUSTOMER = '  { id: "C-301", name: "Anna Huber", email: "anna@example.at", country: "AT", language: "de" },';

/** The example's order, from the customer in Austria. */
function austrianOrder(/** @type {string} */ workspace) {
  const input = JSON.parse(readFileSync(join(workspace, "input.json"), "utf8"));
  return { ...input, order: { ...input.order, id: "ORD-AT-1", customerId: "C-301" } };
}

/** The production view's rows, "label | description", in the side bar. */
const productionRows = (/** @type {Page} */ page) =>
  page
    .$$eval(".part.sidebar .tree-explorer-viewlet-tree-view .monaco-list-row", (rows) =>
      rows.map((row) => [".label-name", ".label-description"].map((part) => /** @type {HTMLElement | null} */ (row.querySelector(part))?.innerText.trim() ?? "").filter((text) => text !== "").join(" | ")),
    )
    .catch(() => /** @type {string[]} */ ([]));

/** Shows the Stepgraph container in the side bar (a debug session shows Run and Debug there). */
async function showProductionView(/** @type {Page} */ page) {
  if (await page.locator(".part.sidebar .tree-explorer-viewlet-tree-view").first().isVisible().catch(() => false)) return;
  await page.locator(".activitybar .action-item a[aria-label^='Stepgraph']").first().click();
  await page.locator(".part.sidebar .tree-explorer-viewlet-tree-view").first().waitFor({ state: "visible", timeout: 10_000 });
}

async function waitForProductionRow(/** @type {Page} */ page, /** @type {RegExp} */ pattern) {
  await showProductionView(page);
  await waitUntil(`a production view row ${pattern}`, 30_000, async () => (await productionRows(page)).some((row) => pattern.test(row)), () => productionRows(page));
}

/** Clicks an inline action (by its title) of the production view's row matching pattern. */
async function productionRowAction(/** @type {Page} */ page, /** @type {RegExp} */ pattern, /** @type {string} */ action) {
  await waitForProductionRow(page, pattern);
  const index = (await productionRows(page)).findIndex((text) => pattern.test(text));
  const row = page.locator(".part.sidebar .tree-explorer-viewlet-tree-view .monaco-list-row").nth(index);
  await row.hover();
  await row.locator(`.actions .action-label[aria-label="${action}"]`).click();
}

/** The walkthrough's id (publisher.name#id) and its steps. */
const WALKTHROUGH = "stepgraph.stepgraph#stepgraph.getStarted";
const WALKTHROUGH_STEPS = ["openExample", "debug", "step", "editValue", "deploy"];

/** Opens Get started with Stepgraph from the palette ("Welcome: Open Walkthrough..."), as a user would. */
async function openWalkthrough(/** @type {Page} */ page) {
  await runPaletteCommand(page, "Welcome: Open Walkthrough...");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
  await page.keyboard.type("Get started with Stepgraph");
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: "Get started with Stepgraph" }).first().waitFor({ state: "visible", timeout: 10_000 });
  await page.keyboard.press("Enter");
  await page.locator(`button.getting-started-step[data-step-id="${WALKTHROUGH}#openExample"]`).waitFor({ state: "visible", timeout: 20_000 });
}

/** Each step's tick as "id: true|false" (its checkbox's aria-checked). */
async function walkthroughStates(/** @type {Page} */ page) {
  return Promise.all(
    WALKTHROUGH_STEPS.map(async (id) => `${id}: ${await page.locator(`[data-done-step-id="${WALKTHROUGH}#${id}"]`).first().getAttribute("aria-checked", { timeout: 2000 }).catch(() => "?")}`),
  );
}

/** The nodes of orders.graph, each drawn in the graph view. */
const ORDERS_NODES = ["customer", "lines", "rates", "quote", "stock", "parcel", "accepted", "reservation", "invoice", "message"];

/**
 * The graph view's document: the webview iframe of this extension (the walkthrough's
 * markdown is a webview too, its src with an empty extensionId), then the frame inside it
 * that holds the page.
 */
const graphView = (/** @type {Page} */ page) => page.frameLocator('iframe.webview.ready[src*="extensionId=stepgraph.stepgraph"]').frameLocator("iframe#active-frame");

/** @typedef {{ name: string, line: number, state: string, current: boolean }} ViewNode */

/**
 * Each node the graph view draws: its name, its zero-based line, its state (its
 * `sg-state-STATE` class, "" for none) and whether it is `sg-current`. [] while the view shows none.
 * @returns {Promise<ViewNode[]>}
 */
async function viewNodes(/** @type {Page} */ page) {
  return graphView(page)
    .locator("g.sg-node[data-node]")
    .evaluateAll((els) =>
      els.map((e) => ({
        name: e.getAttribute("data-node") ?? "",
        line: Number(e.getAttribute("data-line")),
        state: [...e.classList].find((c) => c.startsWith("sg-state-"))?.slice("sg-state-".length) ?? "",
        current: e.classList.contains("sg-current"),
      })),
    )
    .catch(() => /** @type {ViewNode[]} */ ([]));
}

/** "customer=pending*, lines=pending, ..." (* marks the current node), for failures and the log. */
const viewSummary = (/** @type {ViewNode[]} */ nodes) => nodes.map((n) => `${n.name}=${n.state || "?"}${n.current ? "*" : ""}`).join(", ");

/** Every state the graph view was seen to show a node in, over the run's steps. */
const viewStatesSeen = new Set();

/**
 * Waits until the graph view draws every node of orders.graph and `expect` holds for each
 * (by name); logs and records the states it shows then.
 * @param {Page} page
 * @param {string} what
 * @param {(node: ViewNode) => boolean} expect
 */
async function waitForView(page, what, expect) {
  /** @type {ViewNode[]} */
  let nodes = [];
  await waitUntil(
    `the graph view showing ${what}`,
    30_000,
    async () => {
      nodes = await viewNodes(page);
      const names = nodes.map((n) => n.name).sort();
      return JSON.stringify(names) === JSON.stringify([...ORDERS_NODES].sort()) && nodes.every(expect);
    },
    async () => viewSummary(nodes),
  );
  for (const n of nodes) viewStatesSeen.add(n.state);
  log(`graph view: ${viewSummary(nodes)}`);
}

/** A node that has finished with an output of its own (ran or read from the cache). */
const done = (/** @type {ViewNode} */ n) => n.state === "ran" || n.state === "cached";

/** The zero-based line of `node NAME` in the workspace's orders.graph. */
function nodeLine(/** @type {string} */ workspace, /** @type {string} */ name) {
  const at = readFileSync(join(workspace, "orders.graph"), "utf8").split("\n").findIndex((l) => new RegExp(`^node ${name}\\b`).test(l));
  if (at < 0) throw new Error(`no node ${name} in orders.graph`);
  return at;
}

/** Opens the context menu of an output in the Variables pane's Outputs scope and picks `item`. */
/**
 * Closes a context menu still open (the Variables pane's "Copy Value" one has been seen open
 * before a right-click, taking it): Escape with the menu focused, as often as it takes.
 */
async function closeContextMenu(/** @type {Page} */ page) {
  const menu = page.locator(".context-view .monaco-menu").first();
  for (let attempt = 0; attempt < 5 && (await menu.isVisible().catch(() => false)); attempt++) {
    await menu.focus().catch(() => undefined);
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "hidden", timeout: 1000 }).catch(() => undefined);
  }
  if (await menu.isVisible().catch(() => false)) throw new Error(`a context menu stays open: ${(await texts(page, ".context-view")).join(" / ")}`);
}

async function outputMenu(/** @type {Page} */ page, /** @type {string} */ output, /** @type {string} */ item) {
  await expandScope(page, "Outputs");
  // The row of `output` below the Outputs scope's (Inputs may hold a variable of that name
  // too), in the list's order (data-index: the rows' order in the DOM is not the list's).
  const rowIndex = () =>
    page.locator(".debug-variables .monaco-list-row").evaluateAll((els, name) => {
      const rows = els
        .map((e) => ({ index: Number(e.getAttribute("data-index")), level: e.getAttribute("aria-level"), text: /** @type {HTMLElement} */ (e).innerText.replace(/\n+/g, " ").trim() }))
        .sort((a, b) => a.index - b.index);
      const scope = rows.findIndex((r) => r.level === "1" && r.text === "Outputs");
      return scope < 0 ? undefined : rows.find((r, i) => i > scope && r.level === "2" && r.text.startsWith(`${name} = `))?.index;
    }, output);
  /** @type {number | undefined} */
  let index;
  // The scope's variables come a moment after it is expanded.
  await waitUntil(`${output} in the Outputs scope`, 10_000, async () => (index = await rowIndex()) !== undefined, () => variables(page));
  await closeContextMenu(page);
  await page.locator(`.debug-variables .monaco-list-row[data-index="${index}"]`).click({ button: "right" });
  // The menu is in a shadow root in the browser: Playwright's CSS selectors reach into it.
  const entry = page.locator(".monaco-menu .action-item", { hasText: new RegExp(`^${item}$`) }).first();
  await entry.waitFor({ state: "visible", timeout: 10_000 });
  // A Playwright click on the item left the menu open without running it: the item is
  // focused by hovering and taken with Enter instead, as the menu's keyboard handling allows.
  await entry.hover();
  await page.keyboard.press("Enter");
  await entry.waitFor({ state: "hidden", timeout: 10_000 });
}

/** The deploy key typed into the extension's prompt (kept in its SecretStorage). */
const DEPLOY_KEY = "e2e-deploy-key-0123456789";

// ---------------------------------------------------------------------------------------
// The steps

/** @type {Step[]} */
const STEPS = [
  {
    name: "workbench",
    async run({ page }) {
      await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
      await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "orders.graph" }).waitFor({ timeout: 60_000 });
    },
  },
  {
    name: "open-graph",
    async run({ page, redisPort }) {
      await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "orders.graph" }).click();
      await waitUntil("orders.graph in the editor", 20_000, async () => (await lineText(page, "graph orders")).length > 0);
      // The status bar says where the cache lives: the private Redis, not 6379.
      const status = () => texts(page, '[id="stepgraph.stepgraph.stepgraph.cache"]');
      await waitUntil(`the status bar naming redis://127.0.0.1:${redisPort}`, 30_000, async () => (await status()).some((t) => t.includes(`redis://127.0.0.1:${redisPort}`)), status);
    },
  },
  {
    name: "walkthrough",
    async run({ page }) {
      await openWalkthrough(page);
      const titles = () => texts(page, `button.getting-started-step[data-step-id^="${WALKTHROUGH}#"] h3.step-title`);
      const expectedTitles = ["Open the example", "Debug it with F5", "Step and read the Variables pane", "Edit a value", "Deploy it"];
      await waitUntil("the walkthrough's five steps", 20_000, async () => JSON.stringify(await titles()) === JSON.stringify(expectedTitles), titles);
      await waitUntil("no step ticked off yet", 10_000, async () => (await walkthroughStates(page)).every((state) => state.endsWith(": false")), () => walkthroughStates(page));
      // Its first button: the workspace holds the example, so Open Example opens orders.graph.
      const first = page.locator(`button.getting-started-step[data-step-id="${WALKTHROUGH}#openExample"]`);
      await first.click();
      await first.locator(".monaco-button", { hasText: "Open the Example" }).first().click();
      await waitUntil("orders.graph active again, opened by Open Example", 15_000, async () => (await page.locator(".tabs-container .tab.active", { hasText: "orders.graph" }).count()) > 0, () => texts(page, ".tabs-container .tab"));
      // The walkthrough's tab, in the background now, shows the tick; then back to the graph.
      await page.locator(".tabs-container .tab", { hasText: /^Walkthrough/ }).first().click();
      await waitUntil("the first step ticked off", 10_000, async () => (await walkthroughStates(page))[0] === "openExample: true", () => walkthroughStates(page));
      await focusEditor(page);
    },
  },
  {
    name: "grammar-colours",
    async run({ page }) {
      /** Computed colours of the tokens of the line containing `line`. */
      const tokens = (/** @type {string} */ line) =>
        page.$$eval(
          ".editor-instance .view-line",
          (els, l) => {
            const text = (/** @type {Element} */ e) => (e.textContent ?? "").replace(/\u00a0/g, " ");
            const row = els.find((e) => text(e).includes(l));
            return row ? Array.from(row.querySelectorAll("span > span")).map((s) => ({ text: text(s).trim(), color: window.getComputedStyle(s).color })) : [];
          },
          line,
        );
      /** @type {Record<string, string | undefined>} */
      let colours = {};
      await waitUntil(
        "the keyword `node`, a string and a comment coloured differently",
        20_000,
        async () => {
          const keyword = (await tokens("node customer = findCustomer")).find((t) => t.text === "node")?.color;
          const string = (await tokens('use "./nodes/orders.ts"')).find((t) => t.text.includes("./nodes/orders.ts"))?.color;
          const comment = (await tokens("// --- intake")).find((t) => t.text.startsWith("//"))?.color;
          colours = { keyword, string, comment };
          return keyword !== undefined && string !== undefined && comment !== undefined && new Set([keyword, string, comment]).size === 3;
        },
        async () => colours,
      );
      log(`token colours: ${JSON.stringify(colours)}`);
    },
  },
  {
    name: "diagnostic-shown",
    async run({ page }) {
      // `order.customerId` -> `ordr.customerId` on line 30: SG011 unknown name.
      await goTo(page, "30:33");
      await page.keyboard.press("Delete");
      await waitUntil("the typo in the editor", 5000, async () => (await lineText(page, "findCustomer(ordr.customerId)")).length > 0, () => lineText(page, "findCustomer("));
      await waitUntil("a .squiggly-error decoration", 20_000, async () => (await page.locator(".editor-instance .squiggly-error").count()) > 0);
      await page.keyboard.press("Control+Shift+M");
      await waitUntil("SG011 in the Problems panel", 20_000, async () => (await problems(page)).some((t) => t.includes("SG011") && t.includes("ordr")), () => problems(page));
    },
  },
  {
    name: "diagnostic-cleared",
    async run({ page, workspace }) {
      await focusEditor(page);
      await page.keyboard.press("Control+Z");
      await waitUntil("the line restored", 5000, async () => (await lineText(page, "findCustomer(order.customerId)")).length > 0, () => lineText(page, "findCustomer("));
      await waitUntil("no .squiggly-error left", 20_000, async () => (await page.locator(".editor-instance .squiggly-error").count()) === 0);
      await waitUntil("no SG011 in the Problems panel", 20_000, async () => !(await problems(page)).some((t) => t.includes("SG011")), () => problems(page));
      // Saved as restored (code-server may have saved the typo when focus moved to the
      // Problems panel): the next steps run the file as it is on disk.
      await focusEditor(page);
      await page.keyboard.press("Control+S");
      await waitUntil("the editor not dirty", 5000, async () => (await page.locator(".tabs-container .tab.dirty").count()) === 0);
      const onDisk = () => readFileSync(join(workspace, "orders.graph"), "utf8");
      await waitUntil("orders.graph on disk as in the editor", 10_000, async () => onDisk().includes("findCustomer(order.customerId)"), () => onDisk().split("\n").find((l) => l.includes("node customer")) ?? "no node customer line");
    },
  },
  {
    name: "breakpoint-set",
    async run({ page }) {
      // Line 35: node quote = pricing.priceLines(lines, rates, customer.country)
      await goTo(page, "35");
      await page.keyboard.press("F9");
      await waitUntil(
        "a breakpoint glyph on line 35",
        10_000,
        async () => {
          const y = await lineNumberY(page, 35);
          return y !== undefined && (await glyphYs(page, ".codicon-debug-breakpoint")).some((g) => Math.abs(g - y) < 6);
        },
        async () => ({ line35: await lineNumberY(page, 35), glyphs: await glyphYs(page, ".codicon-debug-breakpoint") }),
      );
    },
  },
  {
    name: "stopped-on-entry",
    async run({ page }) {
      // F5 with no launch.json: the open graph, input.json next to it, stop on entry.
      await debugKey(page, "F5");
      await waitForStop(page, /^customer = findCustomer/, "the stop on entry at node customer");
      await waitForVariable(page, "Inputs", /^customerId = "C-042"$/);
      await waitUntil("the debug console naming input.json", 10_000, async () => (await debugConsole(page)).some((t) => t.includes("input.json")), () => debugConsole(page));
    },
  },
  {
    name: "view-at-entry",
    async run({ page }) {
      // The session opened the graph view beside the editor: stopped before customer, nothing has run.
      await waitForView(page, "customer current and every node pending", (n) => n.state === "pending" && n.current === (n.name === "customer"));
    },
  },
  {
    name: "stopped-at-breakpoint",
    async run({ page }) {
      await debugKey(page, "F5");
      await waitForStop(page, /^quote = pricing\.priceLines/, "the stop at the breakpoint on node quote");
      await waitForVariable(page, "Inputs", /^country = "DE"$/);
      await waitForVariable(page, "Inputs", /^lines = Array\(3\)/);
      await waitForVariable(page, "Inputs", /^rates = /);
      await waitUntil("breakpoint glyph and stack-frame marker on line 35", 10_000, async () => {
        const y = await lineNumberY(page, 35);
        return y !== undefined && (await glyphYs(page, "[class*='codicon-debug-'][class*='stackframe']")).some((g) => Math.abs(g - y) < 6);
      });
      await waitUntil("node status lines in the debug console", 10_000, async () => (await debugConsole(page)).some((t) => /● customer (ran|cached)/.test(t)), () => debugConsole(page));
    },
  },
  {
    name: "view-at-breakpoint",
    async run({ page }) {
      // quote has not run yet; what it reads has. stock and parcel (no breakpoint) may have run too.
      const upstream = ["customer", "lines", "rates"];
      const after = ["accepted", "reservation", "invoice", "message"];
      await waitForView(page, "quote current and pending, customer, lines and rates done, accepted and after pending", (n) =>
        n.name === "quote" ? n.current && n.state === "pending" : !n.current && (upstream.includes(n.name) ? done(n) : after.includes(n.name) ? n.state === "pending" : true),
      );
    },
  },
  {
    name: "stepped-into-code",
    async run({ page }) {
      // F11 on quote: the JavaScript debugger's child session on the node host stops on the
      // first line of priceLines, in pricing.ts (through the bundle's source map), with its arguments.
      await debugKey(page, "F11");
      await waitUntil("a stop on line 41 of pricing.ts, in priceLines", 60_000, async () => /^(global\.)?priceLines \| (nodes\/)?pricing\.ts \| 41:\d+$/.test(await topCodeFrame(page)), () => callStack(page));
      await waitUntil("pricing.ts the active editor", 15_000, async () => (await page.locator(".tabs-container .tab.active", { hasText: "pricing.ts" }).count()) > 0, () => texts(page, ".tabs-container .tab"));
      await waitForVariable(page, "Local: priceLines", /^country = 'DE'$/);
    },
  },
  {
    name: "returned-from-code",
    async run({ page }) {
      // Continuing the function: once it has returned, the graph stops before the next node, quote done.
      await debugKey(page, "F5");
      await waitForStop(page, /^(?!quote )\w+ = /, "the graph's stop after node quote returned");
      await waitUntil("no frame in node code", 15_000, async () => (await topCodeFrame(page)) === "", () => callStack(page));
      await waitForVariable(page, "Outputs", /^quote = \{/);
      log(`after quote returned: ${await topFrame(page)}`);
    },
  },
  {
    name: "stepped-over",
    async run({ page }) {
      const before = /^(\w+) = /.exec(await topFrame(page))?.[1];
      await debugKey(page, "F10");
      await waitForStop(page, new RegExp(`^(?!quote |${before} )\\w+ = `), `the stop after stepping over node ${before}`);
      await waitForVariable(page, "Outputs", new RegExp(`^${before} = `));
      log(`after F10: ${await topFrame(page)}`);
    },
  },
  {
    name: "view-after-step",
    async run({ page }) {
      const current = /^(\w+) = /.exec(await topFrame(page))?.[1];
      if (current === undefined || current === "quote") throw new Error(`stopped at ${await topFrame(page)}`);
      await waitForView(page, `quote done and ${current} current`, (n) => n.current === (n.name === current) && (n.name !== "quote" || done(n)));
    },
  },
  {
    name: "console-evaluate",
    async run({ page }) {
      await page.locator(".panel .action-label", { hasText: /^Debug Console$/i }).first().click();
      const input = page.locator(".repl-input-wrapper .monaco-editor").first();
      await input.click();
      await page.keyboard.type("order.items.length");
      await page.keyboard.press("Enter");
      await waitUntil(
        "order.items.length → 3 in the debug console",
        15_000,
        async () => {
          const rows = await debugConsole(page);
          const at = rows.findLastIndex((t) => t.includes("order.items.length"));
          return at >= 0 && rows.slice(at + 1).some((t) => t === "3");
        },
        () => debugConsole(page),
      );
    },
  },
  {
    name: "finished",
    async run({ page }) {
      await debugKey(page, "F5");
      const consoleText = async () => (await debugConsole(page)).join("\n");
      await waitUntil("'graph finished; outputs:' and INV-1001 in the debug console", 60_000, async () => {
        const text = await consoleText();
        return text.includes("graph finished; outputs:") && text.includes("INV-1001");
      }, consoleText);
      await waitForSessionEnd(page);
    },
  },
  {
    name: "view-finished",
    async run({ page }) {
      await waitForView(page, "every node done and none current", (n) => done(n) && !n.current);
    },
  },
  {
    name: "view-reveals-line",
    async run({ page, workspace }) {
      // A click on invoice puts the cursor on its statement in the editor (data-line is zero-based).
      const line = nodeLine(workspace, "invoice");
      const drawn = (await viewNodes(page)).find((n) => n.name === "invoice")?.line;
      if (drawn !== line) throw new Error(`invoice drawn with data-line ${drawn}, its statement is on zero-based line ${line}`);
      await graphView(page).locator('g.sg-node[data-node="invoice"]').click();
      const selection = () => texts(page, "#status\\.editor\\.selection");
      const highlighted = async () => {
        const y = await lineNumberY(page, line + 1);
        return y !== undefined && (await glyphYs(page, ".current-line")).some((g) => Math.abs(g - y) < 6);
      };
      // The status bar shows the cursor while the editor is the active pane; when the view's own
      // focus comes back after the reveal (a race of VS Code's webview focus), it shows no
      // editor items at all, and the current-line highlight alone says where the cursor is.
      await waitUntil(
        `the cursor on invoice's line (Ln ${line + 1})`,
        15_000,
        async () => {
          const shown = await selection();
          return shown.some((t) => new RegExp(`\\bLn ${line + 1}, Col 1\\b`).test(t)) || (shown.length === 0 && (await highlighted()));
        },
        selection,
      );
      await waitUntil(`line ${line + 1} highlighted as the editor's current line`, 10_000, highlighted, async () => ({ [`line${line + 1}`]: await lineNumberY(page, line + 1), currentLine: await glyphYs(page, ".current-line") }));
    },
  },
  {
    name: "deployed-from-palette",
    async run({ page }) {
      await runPaletteCommand(page, "Stepgraph: Deploy Graph");
      // stepgraph.deploy.confirm is on: a modal names the graph and the Redis.
      const dialog = page.locator(".monaco-dialog-box");
      await dialog.waitFor({ state: "visible", timeout: 15_000 });
      const question = (await dialog.innerText()).replace(/\s+/g, " ");
      if (!/Deploy graph orders to redis:\/\/127\.0\.0\.1:\d+/.test(question)) throw new Error(`unexpected confirmation: ${question}`);
      await dialog.locator(".monaco-button", { hasText: /^Deploy$/ }).click();
      // No deploy key in SecretStorage yet: the extension asks for it (a password box).
      const keyBox = page.locator(".quick-input-widget input[type='password']");
      await keyBox.waitFor({ state: "visible", timeout: 15_000 });
      await page.keyboard.type(DEPLOY_KEY);
      await page.keyboard.press("Enter");
      await waitForNotification(page, /Deployed orders version 1: loops intake \(0 workers\), fulfilment \(0 workers\), billing \(0 workers\)/);
    },
  },
  {
    name: "local-workers-started",
    async run({ page, redisPort }) {
      await runPaletteCommand(page, "Stepgraph: Start Local Workers");
      // Each worker registers in Redis once it serves its loop.
      const loops = ["intake", "fulfilment", "billing"];
      const registered = async () => Promise.all(loops.map(async (loop) => `${loop}: ${await redisCommand(redisPort, `SCARD stepgraph:{orders}:prod:loop:${loop}:workers`)}`));
      await waitUntil("a worker of each loop registered in Redis", 60_000, async () => (await registered()).every((line) => line.endsWith(":1")), registered);
      // Their lines in the output channel (shown anew, it shows its end).
      await showOutputChannel(page, "Stepgraph");
      await waitUntil(
        "a worker serving its loop in the Stepgraph output channel",
        15_000,
        async () => /\[worker \w+\].*serving loop/.test((await outputLines(page)).join("\n")),
        async () => (await outputLines(page)).slice(-15),
      );
    },
  },
  {
    name: "job-submitted-and-done",
    async run({ page }) {
      await runPaletteCommand(page, "Stepgraph: Submit Job");
      await waitForNotification(page, /Job \d+ of orders: done/);
    },
  },
  {
    name: "production-status",
    async run({ page }) {
      await runPaletteCommand(page, "Stepgraph: Show Production Status");
      await waitForNotification(page, /orders version 1: completed 1, dead 0 \(1 submitted\)/);
      await waitUntil(
        "the status table in the output channel",
        15_000,
        async () => (await outputLines(page)).some((line) => /^billing\s+0\s+0\s+0\s+1\s+0\s+0\s+1\b/.test(line.trim())),
        async () => (await outputLines(page)).slice(-15),
      );
    },
  },
  {
    name: "dead-job-in-production-view",
    async run({ page, workspace, redisPort }) {
      // An order from the customer in Austria (AUSTRIA_CUSTOMER, added to this copy's catalogue):
      // pricing.ts has no VAT rates for AT, so the job dies at quote. The CLI submits it.
      const submitted = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), "submit", "orders", "--input", JSON.stringify(austrianOrder(workspace)), "--wait", "--timeout", "30", "--json", "--redis", `redis://127.0.0.1:${redisPort}`], { cwd: workspace, encoding: "utf8" });
      const outcome = /** @type {{ id?: string | number, status?: string }} */ (JSON.parse(submitted.stdout.trim().split("\n").at(-1) || "{}"));
      if (outcome.status !== "dead" || outcome.id === undefined) throw new Error(`the job did not die: ${submitted.stdout}${submitted.stderr}`);
      deadJob.id = String(outcome.id);
      // The Stepgraph container in the activity bar: the production view lists it under Dead jobs.
      await waitForProductionRow(page, new RegExp(`^job ${deadJob.id} \\| quote: no VAT rates for country "AT"$`));
      await waitForProductionRow(page, /^orders \| version 1$/);
      await waitForProductionRow(page, /^intake \| waiting 0 · in flight 0 · done \d+ · failed \d+ · dead 1 · 1 worker · [\d.]+ jobs\/s$/);
    },
  },
  {
    name: "debug-job-stopped-at-failed-node",
    async run({ page }) {
      // Debug Job on the dead job's row: a replay session stops before quote, with production's values.
      await productionRowAction(page, new RegExp(`^job ${deadJob.id} \\|`), "Debug Job");
      await waitForStop(page, /^quote = pricing\.priceLines/, "the replay's stop before quote");
      await waitForVariable(page, "Inputs", /^country = "AT"$/);
      await waitForVariable(page, "Outputs", /^customer = \{/);
      await waitUntil("the stop's description on the session's row", 10_000, async () => (await callStack(page)).some((row) => /^Debug job \d+ \(orders\.graph\) \| NODE 'QUOTE' FAILED IN PRODUCTION$/i.test(row)), () => callStack(page));
    },
  },
  {
    name: "fixed-and-redeployed",
    async run({ page, workspace }) {
      await page.keyboard.press("Shift+F5");
      await waitForSessionEnd(page);
      // The fix: VAT rates for AT in the workspace's pricing.ts, then Deploy Graph again (version 2).
      const pricing = join(workspace, "nodes", "pricing.ts");
      writeFileSync(pricing, readFileSync(pricing, "utf8").replace("  GB: { standard: 2000, reduced: 0 },", "  GB: { standard: 2000, reduced: 0 },\n  AT: { standard: 2000, reduced: 1000 },"));
      await runPaletteCommand(page, "Stepgraph: Deploy Graph");
      const dialog = page.locator(".monaco-dialog-box");
      await dialog.waitFor({ state: "visible", timeout: 15_000 });
      await dialog.locator(".monaco-button", { hasText: /^Deploy$/ }).click();
      await waitForNotification(page, /Deployed orders version 2: loops intake \(1 workers?\), fulfilment \(1 workers?\), billing \(1 workers?\)/);
      await waitForProductionRow(page, /^orders \| version 2$/);
    },
  },
  {
    name: "retried-job-done",
    async run({ page, redisPort }) {
      await productionRowAction(page, new RegExp(`^job ${deadJob.id} \\|`), "Retry Job");
      await waitForNotification(page, new RegExp(`job ${deadJob.id} is back in its queue \\(loop intake, on version 2`));
      // Done on version 2: its result holds `done`, and the view lists no dead job any more.
      await waitUntil(`job ${deadJob.id} done`, 30_000, async () => (await redisCommand(redisPort, `HEXISTS stepgraph:{orders}:prod:result:${deadJob.id} done`)) === ":1", () => redisCommand(redisPort, `HGETALL stepgraph:{orders}:prod:result:${deadJob.id}`));
      await waitForProductionRow(page, /^Dead jobs \| 0$/);
      await waitForProductionRow(page, /^billing \| waiting 0 · in flight 0 · done 2 · /);
    },
  },
  {
    name: "captured-node-on-production",
    async run({ page, workspace, redisPort }) {
      // Capture Node on Production on quote's line: one call recorded on the live workers, then withdrawn.
      await goTo(page, String(nodeLine(workspace, "quote") + 1));
      await runPaletteCommand(page, "Stepgraph: Capture Node on Production");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout: 15_000 });
      await input.fill("1");
      await page.keyboard.press("Enter");
      await waitUntil("the condition's input box", 10_000, async () => /satisfy a condition/.test((await texts(page, ".quick-input-widget")).join(" ")), () => texts(page, ".quick-input-widget"));
      await page.keyboard.press("Enter");
      await waitUntil("the capture point set on quote", 20_000, async () => /^\*[1-9]/.test(await redisCommand(redisPort, "HKEYS stepgraph:{orders}:prod:captures")), () => redisCommand(redisPort, "HKEYS stepgraph:{orders}:prod:captures"));
      await waitForProductionRow(page, /^quote \| 0 of 1 recorded$/);
      const submitted = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), "submit", "orders", "--input-file", join(workspace, "input.json"), "--wait", "--timeout", "30", "--redis", `redis://127.0.0.1:${redisPort}`], { cwd: workspace, encoding: "utf8" });
      if (submitted.status !== 0) throw new Error(`submit failed: ${submitted.stdout}${submitted.stderr}`);
      // The notification counts the record lines the command printed (each also goes to the
      // output channel, where a wrapped record's first line may already be scrolled away).
      await waitForNotification(page, /recorded 1 calls of quote; the capture point is withdrawn/);
    },
  },
  {
    name: "local-workers-stopped",
    async run({ page }) {
      await runPaletteCommand(page, "Stepgraph: Stop Local Workers");
      await waitUntil(
        "the workers to stop",
        30_000,
        async () => /Stopped 3 local workers/.test([...(await notifications(page)), ...(await outputLines(page)), ...(await texts(page, ".statusbar-item"))].join("\n")),
        async () => ({ notifications: await notifications(page), output: (await outputLines(page)).slice(-15) }),
      );
    },
  },
  {
    name: "walkthrough-ticked",
    async run({ page }) {
      // The steps done since: a stepgraph debug session, F10, Deploy Graph. No value was edited.
      await openWalkthrough(page);
      const expected = ["openExample: true", "debug: true", "step: true", "editValue: false", "deploy: true"];
      await waitUntil("debug, step and deploy ticked off by what this run did", 10_000, async () => JSON.stringify(await walkthroughStates(page)) === JSON.stringify(expected), () => walkthroughStates(page));
    },
  },
  {
    name: "pin-stopped-after-quote",
    async run({ page }) {
      // A second session (the breakpoint on quote still set): stopped after quote, its output shown.
      await debugKey(page, "F5");
      await waitForStop(page, /^customer = findCustomer/, "the stop on entry at node customer");
      await debugKey(page, "F5");
      await waitForStop(page, /^quote = pricing\.priceLines/, "the stop at the breakpoint on node quote");
      await debugKey(page, "F10");
      await waitForStop(page, /^(?!quote )\w+ = /, "the stop after stepping over node quote");
      await waitForVariable(page, "Outputs", /^quote = \{/);
      await waitForView(page, "quote done (from the first session's cache)", (n) => n.name !== "quote" || done(n));
    },
  },
  {
    name: "pin-output",
    async run({ page, workspace }) {
      await outputMenu(page, "quote", "Pin Output");
      const option = 'pin: "./pins/orders/quote.json"';
      await waitUntil(`${option} on quote's line`, 15_000, async () => (await lineText(page, "node quote")).some((t) => t.includes(option)), () => lineText(page, "node quote"));
      const pinFile = join(workspace, "pins", "orders", "quote.json");
      await waitUntil(`the pin file ${pinFile}`, 10_000, async () => existsSync(pinFile));
      const value = JSON.parse(readFileSync(pinFile, "utf8"));
      if (value.country !== "DE" || value.grossCents !== 7851 || value.lines?.length !== 3) throw new Error(`unexpected pin file: ${JSON.stringify(value)}`);
      // The session goes on with the graph as it was loaded.
      await debugKey(page, "F5");
      await waitForSessionEnd(page);
    },
  },
  {
    name: "pinned-run",
    async run({ page, workspace }) {
      // F5 saves the edited graph first (debug.saveBeforeStart), then runs it with the pin.
      await debugKey(page, "F5");
      await waitForStop(page, /^customer = findCustomer/, "the stop on entry at node customer");
      const saved = readFileSync(join(workspace, "orders.graph"), "utf8").split("\n")[nodeLine(workspace, "quote")];
      if (!saved.includes('pin: "./pins/orders/quote.json"')) throw new Error(`quote's line on disk: ${saved}`);
      await waitForView(page, "customer current and every node pending", (n) => n.state === "pending" && n.current === (n.name === "customer"));
      await debugKey(page, "F5");
      await waitForStop(page, /^quote = pricing\.priceLines/, "the stop at the breakpoint on node quote, pinned");
      await debugKey(page, "F10");
      await waitForStop(page, /^(?!quote )\w+ = /, "the stop after stepping over node quote");
      await waitForView(page, "quote pinned", (n) => (n.name === "quote" ? n.state === "pinned" && !n.current : true));
      // The panel shows the Output view since the production steps: its Debug Console tab.
      await page.locator(".panel .action-label", { hasText: /^Debug Console$/i }).first().click();
      await waitUntil("'● quote pinned' in the debug console", 10_000, async () => (await debugConsole(page)).some((t) => /● quote pinned\b/.test(t)), () => debugConsole(page));
    },
  },
  {
    name: "unpinned",
    async run({ page, workspace }) {
      await outputMenu(page, "quote", "Unpin");
      await waitUntil("no pin on quote's line", 15_000, async () => {
        const line = await lineText(page, "node quote");
        return line.length > 0 && line.every((t) => !t.includes("pin:"));
      }, () => lineText(page, "node quote"));
      const pinFile = join(workspace, "pins", "orders", "quote.json");
      await waitUntil(`the pin file ${pinFile} deleted`, 10_000, async () => !existsSync(pinFile));
      await debugKey(page, "F5");
      await waitForSessionEnd(page);
      // The session ran the graph as loaded, pin included: quote stays pinned, the rest is done.
      await waitForView(page, "quote pinned, every other node done, none current", (n) => !n.current && (n.name === "quote" ? n.state === "pinned" : done(n)));
      const wanted = ["pending", "ran", "cached", "pinned"];
      if (!wanted.every((state) => viewStatesSeen.has(state))) throw new Error(`the graph view showed only the states ${[...viewStatesSeen].join(", ")}`);
      log(`states the graph view showed over the run: ${[...viewStatesSeen].join(", ")}`);
    },
  },
];

// ---------------------------------------------------------------------------------------
// Running the steps

/** What the workbench shows that helps to understand a failure. */
async function workbenchText(/** @type {Page} */ page) {
  const sections = {
    notifications: await texts(page, ".notifications-toasts .notification-toast"),
    dialogs: await texts(page, ".monaco-dialog-box"),
    "call stack": await callStack(page),
    variables: await variables(page),
    "debug console": await debugConsole(page),
    problems: await problems(page),
    "status bar": await texts(page, ".statusbar-item"),
  };
  return Object.entries(sections)
    .filter(([, lines]) => lines.length > 0)
    .map(([name, lines]) => `  ${name}:\n${lines.map((l) => `    ${l}`).join("\n")}`)
    .join("\n");
}

/** Rejects after ms. */
function timeout(/** @type {number} */ ms, /** @type {string} */ what) {
  return new Promise((_, fail) => setTimeout(() => fail(new Error(`${what} took over ${ms / 1000} s`)), ms).unref());
}

/**
 * Runs the steps in order, a screenshot after each; stops at the first failure.
 * @param {Run} r
 * @returns {Promise<{ passed: number, failed: number }>}
 */
async function runSteps(r) {
  let passed = 0;
  for (const [i, step] of STEPS.entries()) {
    const shot = join(SHOTS, `${String(i + 1).padStart(2, "0")}-${step.name}.png`);
    const started = Date.now();
    try {
      await Promise.race([step.run(r), timeout(STEP_TIMEOUT_MS, `step ${step.name}`)]);
      await r.page.screenshot({ path: shot });
      passed++;
      log(`ok   ${i + 1} ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s) ${shot}`);
    } catch (e) {
      await r.page.screenshot({ path: shot }).catch(() => undefined);
      log(`FAIL ${i + 1} ${step.name}: ${e instanceof Error ? e.message : String(e)}`);
      log(`screenshot: ${shot}`);
      console.log(await workbenchText(r.page).catch((err) => `  (could not read the workbench: ${err})`));
      const skipped = STEPS.slice(i + 1).map((s) => s.name);
      if (skipped.length) log(`not run after the failure: ${skipped.join(", ")}`);
      return { passed, failed: 1 };
    }
  }
  return { passed, failed: 0 };
}

/** What is running, for stopEverything. */
const running = {
  /** @type {Awaited<ReturnType<typeof startBrowser>> | undefined} */
  chrome: undefined,
  /** @type {string | undefined} the temp folder; every process started here names it or runs below it */
  dir: undefined,
};

/** @type {Promise<boolean> | undefined} */
let stopping;

/**
 * Stops the browser, then every process group started here (SIGTERM, then SIGKILL), then
 * whatever still names the temp folder. Resolves to false when something had been left behind.
 * Runs once, whether called from main's finally or from a signal.
 */
function stopEverything() {
  stopping ??= (async () => {
    await running.chrome?.browser.close().catch(() => undefined);
    await running.chrome?.server.close().catch(() => undefined);
    for (const pgid of [...groups.keys()].reverse()) await stopGroup(pgid);
    const left = running.dir === undefined ? [] : processesMentioning(running.dir);
    if (left.length === 0) return true;
    log(`processes left behind, killed:\n${left.map((p) => `  ${p.pid} ${p.cmd}`).join("\n")}`);
    for (const p of left) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    return false;
  })();
  return stopping;
}

async function main() {
  const started = Date.now();
  ensureDebianPackages();
  ensureCodeServer();
  ensureVsix();
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });

  const dir = mkdtempSync(join(tmpdir(), "stepgraph-e2e-"));
  running.dir = dir;
  const workspace = join(dir, "orders");
  cpSync(join(ROOT, "examples", "orders"), workspace, { recursive: true, filter: (src) => !src.includes(".stepgraph") });
  const catalogue = join(workspace, "nodes", "catalogue.ts");
  const customers = readFileSync(catalogue, "utf8");
  if (!customers.includes('{ id: "C-250",')) throw new Error(`${catalogue} has changed: the production steps add a customer after C-250`);
  writeFileSync(catalogue, customers.replace(/^(\s*\{ id: "C-250",.*\n)/m, `$1${AUSTRIA_CUSTOMER}\n`));
  let result = { passed: 0, failed: 1 };
  try {
    const redisPort = await startRedis(dir);
    const codeServerPort = await startCodeServer(dir, workspace, redisPort);
    log(`redis-server on ${redisPort}, code-server on ${codeServerPort}, workspace ${workspace}`);
    running.chrome = await startBrowser();
    const page = await running.chrome.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`http://127.0.0.1:${codeServerPort}/?folder=${encodeURIComponent(workspace)}`);
    result = await runSteps({ page, workspace, redisPort });
    if (result.failed === 0) {
      const keys = await redisCommand(redisPort, "DBSIZE");
      log(`the private Redis holds ${keys.replace(/^:/, "")} keys`);
    }
  } catch (e) {
    log(`FAIL setting up: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    result.failed = Math.max(result.failed, 1);
  } finally {
    if (!(await stopEverything())) result.failed = Math.max(result.failed, 1);
    if (result.failed === 0) rmSync(dir, { recursive: true, force: true });
    else {
      log(`logs kept in ${dir} (code-server.log, redis.log); last lines of code-server.log:`);
      const csLog = join(dir, "code-server.log");
      if (existsSync(csLog)) console.log(readFileSync(csLog, "utf8").split("\n").slice(-30).join("\n"));
    }
  }
  log(`took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`e2e: ${result.passed} passed, ${result.failed} failed`);
  return result.failed === 0 ? 0 : 1;
}

process.on("exit", killGroupsNow);
for (const signal of /** @type {NodeJS.Signals[]} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
  process.on(signal, () => {
    log(`${signal}: stopping everything`);
    void stopEverything().finally(() => process.exit(130));
  });
}
process.exitCode = await main();
