// Arrow keys move the focus from node to node by where they are drawn: to the nearest node
// in that direction, favouring one straight along it. Home and End go to the first and last
// node (the picture's topological order); Tab follows the same order natively.
import type { Box } from "../graph/picture-layout";

export type Direction = "up" | "down" | "left" | "right";

export const ARROW_KEYS: Readonly<Record<string, Direction>> = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right" };

/** How much a step sideways costs against one along the direction. */
const SIDEWAYS_WEIGHT = 2;

/** The node to move to from `from` in `direction`, or undefined when there is none that way. */
export function neighbour(nodes: readonly ({ name: string } & Box)[], from: string, direction: Direction): string | undefined {
  const start = nodes.find((node) => node.name === from);
  if (start === undefined) return nodes[0]?.name;
  const [sx, sy] = centre(start);
  let best: { name: string; cost: number } | undefined;
  for (const node of nodes) {
    if (node.name === from) continue;
    const [x, y] = centre(node);
    const along = { up: sy - y, down: y - sy, left: sx - x, right: x - sx }[direction];
    const sideways = direction === "up" || direction === "down" ? Math.abs(x - sx) : Math.abs(y - sy);
    if (along <= 0) continue;
    const cost = along + SIDEWAYS_WEIGHT * sideways;
    if (best === undefined || cost < best.cost) best = { name: node.name, cost };
  }
  return best?.name;
}

function centre(box: Box): [number, number] {
  return [box.x + box.width / 2, box.y + box.height / 2];
}
