// The graph view's page (bundled to dist/webview.js, loaded after dist/elk.bundled.js,
// which defines the global ELK): lays the picture out, draws it, writes the run's node
// states and the loops' figures into it, and posts reveal/production/ready to the
// extension. What it shows comes by message only; on `ready` the extension sends it all,
// so the page may be thrown away while hidden.
import { layoutPicture, type ElkApi, type PictureLayout } from "../graph/picture-layout";
import { renderSvg } from "../graph/picture-svg";
import { announcement } from "./announcements";
import { bannerText, pictureLabel } from "./banner";
import { applyLoopTexts, applyNodeDisplays, loopFrameNames, nodeElement } from "./graph-dom";
import { ARROW_KEYS, neighbour } from "./keyboard-navigation";
import { loopStatsTexts } from "./loop-stats";
import type { ExtensionMessage, WebviewMessage } from "./messages";
import { nodeDisplays } from "./node-states";
import { INITIAL_STATE, layoutKey, receive, type ViewState } from "./view-state";
import { format, type ViewStrings } from "./view-strings";

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void };
declare const ELK: new () => ElkApi;

const vscode = acquireVsCodeApi();
const strings = JSON.parse(document.getElementById("sg-strings")?.textContent ?? "{}") as ViewStrings;
const page = buildPage();
const elk = new ELK();

let state: ViewState = INITIAL_STATE;
let layout: { key: string; value: PictureLayout } | undefined;
let layoutRuns = 0;
let layoutError = "";

window.addEventListener("message", (event: MessageEvent<ExtensionMessage>) => void handle(event.data));
page.graph.addEventListener("click", (event) => {
  const shape = (event.target as Element | null)?.closest<SVGGElement>("g.sg-node, g.sg-input");
  if (shape) reveal(shape);
});
page.graph.addEventListener("keydown", onKey);
page.production.addEventListener("click", () => vscode.postMessage({ type: "production", on: !state.production }));
vscode.postMessage({ type: "ready" });

async function handle(message: ExtensionMessage): Promise<void> {
  const previous = state;
  const { state: next, redraw } = receive(state, message);
  state = next;
  if (redraw.banner) showBanner();
  if (redraw.toolbar) showToolbar();
  if (redraw.layout) await relayout();
  else if (redraw.draw) draw();
  else {
    if (redraw.states) showStates();
    if (redraw.loops) showLoops();
  }
  if (redraw.announceSince !== undefined) {
    const said = announcement(redraw.announceSince, state.runView, strings);
    if (said !== "") page.live.textContent = said;
    const current = state.runView?.current;
    if (current !== undefined && current !== previous.runView?.current) nodeElement(page.graph, current)?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}

async function relayout(): Promise<void> {
  const run = ++layoutRuns;
  const picture = state.picture;
  if (picture === null) return draw();
  try {
    const value = await layoutPicture(picture, elk);
    if (run !== layoutRuns) return;
    layout = { key: layoutKey(picture), value };
    layoutError = "";
  } catch (error) {
    if (run !== layoutRuns) return;
    layoutError = format(strings.layoutFailed, error instanceof Error ? error.message : String(error));
  }
  showBanner();
  draw();
}

/** The SVG of the current picture, with the states and figures written in; keeps the focused node focused. */
function draw(): void {
  const picture = state.picture;
  // A layout of another shape is being replaced: wait for it rather than draw a mismatch.
  if (picture === null || layout === undefined || layout.key !== layoutKey(picture)) {
    if (picture === null) page.graph.replaceChildren();
    return;
  }
  const focused = (document.activeElement as SVGGElement | HTMLElement | null)?.dataset?.node;
  page.graph.innerHTML = renderSvg(picture, layout.value, { standalone: false });
  page.graph.querySelector("svg")?.setAttribute("aria-label", pictureLabel(picture, strings));
  showStates();
  showLoops();
  if (focused !== undefined) nodeElement(page.graph, focused)?.focus();
}

function showStates(): void {
  if (state.picture) applyNodeDisplays(page.graph, nodeDisplays(state.picture, state.runView, strings));
}

function showLoops(): void {
  const texts = loopStatsTexts(state.loopStats, loopFrameNames(page.graph), strings);
  applyLoopTexts(page.graph, texts.frames);
  page.loopStatus.textContent = state.loopMessage || texts.unframed;
}

function showBanner(): void {
  const text = layoutError || bannerText(state.picture, state.errorCount, strings);
  page.banner.textContent = text;
  page.banner.hidden = text === "";
}

function showToolbar(): void {
  page.production.setAttribute("aria-pressed", String(state.production));
  showLoops();
}

function reveal(shape: SVGGElement): void {
  const line = Number(shape.dataset.line);
  if (Number.isInteger(line)) vscode.postMessage({ type: "reveal", line });
}

function onKey(event: KeyboardEvent): void {
  const node = (event.target as Element | null)?.closest<SVGGElement>("g.sg-node");
  if (!node || !layout) return;
  const nodes = layout.value.nodes;
  let target: string | undefined;
  if (event.key === "Enter" || event.key === " ") {
    reveal(node);
  } else if (event.key in ARROW_KEYS) {
    target = neighbour(nodes, node.dataset.node ?? "", ARROW_KEYS[event.key]);
  } else if (event.key === "Home") {
    target = state.picture?.nodes[0]?.name;
  } else if (event.key === "End") {
    target = state.picture?.nodes.at(-1)?.name;
  } else {
    return;
  }
  event.preventDefault();
  if (target !== undefined) nodeElement(page.graph, target)?.focus();
}

/** The toolbar, the banner, the picture's container and the live region, in the page's root. */
function buildPage() {
  const root = document.getElementById("sg-root") ?? document.body;
  const element = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, attributes: Record<string, string> = {}) => {
    const made = document.createElement(tag);
    made.className = className;
    for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
    return made;
  };
  const toolbar = element("div", "sg-toolbar", { role: "toolbar" });
  const production = element("button", "sg-production", { type: "button", "aria-pressed": "false", title: strings.productionTitle });
  production.textContent = strings.production;
  const loopStatus = element("span", "sg-loop-status");
  toolbar.append(production, loopStatus);
  const banner = element("div", "sg-banner", { role: "status" });
  banner.hidden = true;
  const graph = element("div", "sg-graph");
  const live = element("div", "sg-live", { "aria-live": "polite" });
  root.append(toolbar, banner, graph, live);
  return { production, loopStatus, banner, graph, live };
}
