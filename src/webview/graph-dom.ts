// The picture in the page: the SVG drawn into its container, and the node states and loop
// figures written into the elements picture-svg.ts leaves for them (the `sg-state` and
// `sg-loop-stats` texts, each node's `<title>` and aria-label, its state classes).
import { VIEW_CLASSES, type NodeDisplay } from "./node-states";

const SVG_NS = "http://www.w3.org/2000/svg";

export function nodeElements(container: ParentNode): SVGGElement[] {
  return [...container.querySelectorAll<SVGGElement>("g.sg-node[data-node]")];
}

export function nodeElement(container: ParentNode, name: string): SVGGElement | undefined {
  return nodeElements(container).find((element) => element.dataset.node === name);
}

export function applyNodeDisplays(container: ParentNode, displays: ReadonlyMap<string, NodeDisplay>): void {
  for (const element of nodeElements(container)) {
    const display = displays.get(element.dataset.node ?? "");
    if (display === undefined) continue;
    element.classList.remove(...VIEW_CLASSES);
    element.classList.add(...display.classes);
    const state = element.querySelector(".sg-state");
    if (state) state.textContent = display.stateText;
    titleOf(element).textContent = display.tooltip;
    element.setAttribute("aria-label", display.label);
  }
}

/** The framed loops, as drawn. */
export function loopFrameNames(container: ParentNode): string[] {
  return [...container.querySelectorAll<SVGGElement>("g.sg-loop[data-loop]")].map((element) => element.dataset.loop ?? "");
}

export function applyLoopTexts(container: ParentNode, texts: ReadonlyMap<string, string>): void {
  for (const element of container.querySelectorAll<SVGGElement>("g.sg-loop[data-loop]")) {
    const stats = element.querySelector(".sg-loop-stats");
    if (stats) stats.textContent = texts.get(element.dataset.loop ?? "") ?? "";
  }
}

/** The node's own `<title>` (its first child), made when the SVG has none. */
function titleOf(element: SVGGElement): SVGTitleElement {
  const first = element.firstElementChild;
  if (first instanceof SVGTitleElement) return first;
  const title = document.createElementNS(SVG_NS, "title");
  element.prepend(title);
  return title;
}
