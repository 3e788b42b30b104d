// The graph view's page in a real browser (Debian's headless Chromium, driven by
// playwright-core): dist/elk.bundled.js and dist/webview.js under the page's Content Security
// Policy, given messages as the extension sends them. The extension's side of the webview
// (acquireVsCodeApi) is a recorder of what the page posts; VS Code itself is test/e2e's.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import type { GraphPicture } from "../../src/graph/picture";
import type { RunView } from "../../src/runtime/run-view";
import { graphViewHtml } from "../../src/extension/views/graph-view-html";
import type { ExtensionMessage } from "../../src/webview/messages";
import { pictureFiles, pictureOf } from "../graph/picture-helpers";
import { repoRoot } from "../helpers";
import { STRINGS } from "./strings";

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".html": "text/html" };
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
/** What the page logged as errors (a Content Security Policy refusal among them) or threw. */
const problems: string[] = [];

before(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    if (path === "/") {
      response.writeHead(200, { "content-type": TYPES[".html"] });
      response.end(
        graphViewHtml({
          cspSource: origin,
          nonce: "bm9uY2Utb2YtdGhlLXRlc3Q",
          scripts: [`${origin}/dist/elk.bundled.js`, `${origin}/dist/webview.js`],
          style: `${origin}/media/graph-view.css`,
          strings: STRINGS,
          language: "en",
          title: "Graph: test",
        }),
      );
      return;
    }
    const file = normalize(join(repoRoot, path));
    if (!/^\/(dist|media)\/[\w.-]+$/.test(path)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const executablePath = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).stdout.trim();
  assert.ok(executablePath, "the page test needs Debian's chromium (apt-get install chromium)");
  browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  page = await browser.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  await page.addInitScript({ content: "window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (message) => window.posted.push(message) });" });
  await page.goto(`${origin}/`);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

// The page's side is written as strings: this file is type-checked without the DOM's types.
const send = (message: ExtensionMessage) => page.evaluate(`window.postMessage(${JSON.stringify(message)}, "*")`);
const posted = () => page.evaluate("window.posted") as Promise<unknown[]>;
const focusedNode = () => page.evaluate("document.activeElement?.dataset.node") as Promise<string | undefined>;
/** Polls `expression` from here: waitForFunction would compile it in the page, which the policy forbids. */
async function until(expression: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
const nodeAttribute = (name: string, attribute: string) => page.locator(`g.sg-node[data-node="${name}"]`).getAttribute(attribute);

async function showPicture(picture: GraphPicture, errorCount = 0): Promise<void> {
  await send({ type: "picture", picture, errorCount });
  await until(`document.querySelectorAll("g.sg-node[data-node]").length === ${picture.nodes.length}`);
}

describe("the graph view's page", () => {
  const reviews = pictureOf(pictureFiles.reviews);
  const orders = pictureOf(pictureFiles.orders);

  test("says ready, then draws the picture it is sent: each node with its data-node and data-line", async () => {
    await until(`window.posted.some((m) => m.type === "ready")`);
    await showPicture(reviews);
    assert.equal(await page.locator("svg.sg-picture").getAttribute("aria-label"), `graph reviews, ${reviews.nodes.length} nodes`);
    for (const node of reviews.nodes) assert.equal(await nodeAttribute(node.name, "data-line"), String(node.line), node.name);
    assert.equal(await page.locator("g.sg-input[data-input]").count(), reviews.inputs.length);
    // The implicit main loop alone has no frame.
    assert.equal(await page.locator("g.sg-loop").count(), 0);
    assert.equal(await page.locator(".sg-banner").isHidden(), true);
  });

  test("the style sheet applies under the policy, and nothing was refused or thrown", async () => {
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector(".sg-live")).position`), "absolute");
    assert.deepEqual(problems, []);
  });

  test("a RunView: state classes, the current node, map progress, the tooltip, and an announcement", async () => {
    const view: RunView = {
      graph: "reviews",
      file: reviews.file,
      current: "scored",
      finished: false,
      nodes: {
        texts: { state: "cached", durationMs: 3, why: "read from the cache, computed 1 minute ago" },
        scored: { state: "running", elements: { finished: 3, count: 5 } },
        summary: { state: "pending" },
        voice: { state: "pinned", why: "from pins/brand-voice.json" },
        alert: { state: "pending" },
        report: { state: "pending" },
      },
    };
    await send({ type: "runView", view });
    await until(`document.querySelector('g[data-node="scored"]')?.classList.contains("sg-current")`);
    assert.match((await nodeAttribute("texts", "class")) ?? "", /\bsg-state-cached\b/);
    assert.match((await nodeAttribute("scored", "class")) ?? "", /\bsg-state-running\b.*\bsg-current\b/);
    assert.match((await nodeAttribute("voice", "class")) ?? "", /\bsg-pinned\b.*\bsg-state-pinned\b/);
    assert.equal(await page.locator('g[data-node="scored"] .sg-state').textContent(), "running · 3 of 5");
    assert.equal(await page.locator('g[data-node="texts"] > title').textContent(), "texts = reviewTexts\ncached (took 3 ms)\nread from the cache, computed 1 minute ago");
    assert.match((await nodeAttribute("scored", "aria-label")) ?? "", /^scored, map subgraph sentiment, running · 3 of 5, the run is stopped here$/);
    assert.equal(await page.locator(".sg-live").textContent(), "texts: cached. scored: running · 3 of 5. voice: pinned. stopped at scored");

    await send({ type: "runView", view: { ...view, current: "summary", nodes: { ...view.nodes, scored: { state: "ran", durationMs: 40 }, summary: { state: "running" } } } });
    await until(`document.querySelector('g[data-node="summary"]')?.classList.contains("sg-current")`);
    assert.doesNotMatch((await nodeAttribute("scored", "class")) ?? "", /sg-current|sg-state-running/);
    assert.equal(await page.locator(".sg-live").textContent(), "scored: ran. summary: running. stopped at summary");
  });

  test("a click, or Enter on a focused node, posts reveal with its line; arrow keys move between nodes", async () => {
    const line = (name: string) => reviews.nodes.find((n) => n.name === name)?.line;
    await page.locator('g.sg-node[data-node="report"]').click();
    assert.deepEqual((await posted()).at(-1), { type: "reveal", line: line("report") });

    await page.locator('g.sg-node[data-node="texts"]').focus();
    await page.keyboard.press("ArrowDown");
    const below = await focusedNode();
    assert.ok(below !== undefined && below !== "texts", String(below));
    await page.keyboard.press("Enter");
    assert.deepEqual((await posted()).at(-1), { type: "reveal", line: line(below) });
    await page.keyboard.press("End");
    assert.equal(await focusedNode(), reviews.nodes.at(-1)?.name);
  });

  test("errors: the banner over the last clean picture; an edit that keeps the shape keeps the focus", async () => {
    await page.locator('g.sg-node[data-node="summary"]').focus();
    const moved = { ...reviews, nodes: reviews.nodes.map((n) => ({ ...n, line: n.line + 1 })) };
    await send({ type: "picture", picture: moved, errorCount: 2 });
    await page.locator(".sg-banner").waitFor({ state: "visible" });
    assert.equal(await page.locator(".sg-banner").textContent(), "This file has 2 errors: the graph shows its last version without errors.");
    await until(`document.querySelector('g[data-node="summary"]')?.getAttribute("data-line") === "${moved.nodes.find((n) => n.name === "summary")?.line}"`);
    assert.equal(await focusedNode(), "summary");
    // The states stay on the redrawn picture.
    assert.match((await nodeAttribute("summary", "class")) ?? "", /\bsg-state-running\b/);
  });

  test("Production: the toggle posts, the extension's answer presses it, the figures go into the loop frames", async () => {
    await send({ type: "runView", view: null });
    await showPicture(orders);
    assert.equal(await page.locator("g.sg-loop[data-loop]").count(), 3);
    await page.locator(".sg-production").click();
    assert.deepEqual((await posted()).at(-1), { type: "production", on: true });
    assert.equal(await page.locator(".sg-production").getAttribute("aria-pressed"), "false", "pressed only once the extension says so");
    await send({ type: "production", on: true });
    await send({ type: "loopStats", loops: [{ name: "intake", waiting: 3, inFlight: 1, rate: 2.5 }] });
    await until(`document.querySelector('g[data-loop="intake"] .sg-loop-stats')?.textContent !== ""`);
    assert.equal(await page.locator(".sg-production").getAttribute("aria-pressed"), "true");
    assert.equal(await page.locator('g[data-loop="intake"] .sg-loop-stats').textContent(), "3 waiting · 1 in flight · 2.5 jobs/s");
    assert.equal(await page.locator('g[data-loop="billing"] .sg-loop-stats').textContent(), "");

    // In billing's narrow frame too the figures, as drawn by the browser, stay clear of the
    // loop's name, inside the frame and above its nodes.
    await send({ type: "loopStats", loops: [{ name: "billing", waiting: 120, inFlight: 16, rate: 2.5 }] });
    await until(`document.querySelector('g[data-loop="billing"] .sg-loop-stats')?.textContent !== ""`);
    const boxes = JSON.parse(
      (await page.evaluate(`JSON.stringify((() => {
        const loop = document.querySelector('g[data-loop="billing"]');
        const box = (e) => { const b = e.getBBox(); return { x: b.x, y: b.y, width: b.width, height: b.height }; };
        const nodes = [...document.querySelectorAll("g.sg-node")].filter((g) => ["invoice", "message"].includes(g.dataset.node)).map((g) => box(g.querySelector(".sg-box")));
        return { frame: box(loop.querySelector(".sg-frame")), name: box(loop.querySelector(".sg-loop-name")), stats: box(loop.querySelector(".sg-loop-stats")), nodes };
      })())`)) as string,
    ) as Record<"frame" | "name" | "stats", { x: number; y: number; width: number; height: number }> & { nodes: { y: number }[] };
    const { frame, name, stats } = boxes;
    assert.ok(stats.y >= name.y + name.height || stats.x >= name.x + name.width, `the stats ${JSON.stringify(stats)} overlap the name ${JSON.stringify(name)}`);
    assert.ok(stats.x >= frame.x && stats.x + stats.width <= frame.x + frame.width, `the stats ${JSON.stringify(stats)} reach out of the frame ${JSON.stringify(frame)}`);
    assert.ok(stats.y + stats.height <= Math.min(...boxes.nodes.map((n) => n.y)), `the stats ${JSON.stringify(stats)} run into the nodes`);
    await send({ type: "loopStats", loops: null, message: "orders is not deployed to redis://127.0.0.1:6379" });
    await until(`document.querySelector(".sg-loop-status")?.textContent !== ""`);
    assert.equal(await page.locator(".sg-loop-status").textContent(), "orders is not deployed to redis://127.0.0.1:6379");
    assert.equal(await page.locator('g[data-loop="intake"] .sg-loop-stats').textContent(), "");
    assert.deepEqual(problems, []);
  });

  test("the policy refuses a script without the nonce", async () => {
    const ran = await page.evaluate(`(() => { const s = document.createElement("script"); s.textContent = "window.inlineRan = true"; document.body.append(s); return window.inlineRan === true; })()`);
    assert.equal(ran, false);
    // Chromium reports the refusal on the console, maybe a moment later.
    const deadline = Date.now() + 5000;
    while (!problems.some((p) => /Content Security Policy/.test(p)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.ok(problems.some((p) => /Content Security Policy/.test(p)), problems.join("\n"));
  });
});
