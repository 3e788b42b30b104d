// Graph algorithms over vertices numbered 0..n-1, shared by the node and loop rules.

/** The cycles of a directed graph: one vertex list per strongly connected component that contains a cycle. */
export function findCycles(vertexCount: number, successors: readonly (readonly number[])[]): number[][] {
  // Tarjan's algorithm, iterative so that a 10,000-node chain does not overflow the stack.
  const index = new Int32Array(vertexCount).fill(-1);
  const low = new Int32Array(vertexCount);
  const onStack = new Uint8Array(vertexCount);
  const stack: number[] = [];
  const cycles: number[][] = [];
  let counter = 0;

  for (let root = 0; root < vertexCount; root++) {
    if (index[root] !== -1) continue;
    const work: [vertex: number, nextEdge: number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, edge] = frame;
      if (edge < successors[v].length) {
        frame[1]++;
        const w = successors[v][edge];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] !== index[v]) continue;
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = 0;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || successors[v].includes(v)) cycles.push(component);
    }
  }
  return cycles;
}

/** One concrete cycle through `start` inside `component`, as a vertex path ending back at `start`. */
export function cyclePath(start: number, component: readonly number[], successors: readonly (readonly number[])[]): number[] {
  const inComponent = new Set(component);
  const cameFrom = new Map<number, number>();
  const queue = [start];
  // Breadth-first from start until an edge returns to start: the shortest cycle through it.
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const w of successors[v]) {
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = cameFrom.get(at) as number) path.splice(1, 0, at);
        return [...path, start];
      }
      if (inComponent.has(w) && !cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/**
 * Kahn's topological order where, among the vertices ready at once, the smallest number
 * goes first (vertices are numbered in line order, so ties break by line). Vertices on a
 * cycle are left out.
 */
export function topologicalOrder(vertexCount: number, successors: readonly (readonly number[])[]): number[] {
  const indegree = new Int32Array(vertexCount);
  for (const targets of successors) for (const w of targets) indegree[w]++;
  const ready = new MinHeap();
  for (let v = 0; v < vertexCount; v++) if (indegree[v] === 0) ready.push(v);
  const order: number[] = [];
  while (ready.size > 0) {
    const v = ready.pop();
    order.push(v);
    for (const w of successors[v]) if (--indegree[w] === 0) ready.push(w);
  }
  return order;
}

class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= value) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as number;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const child = left + 1 < items.length && items[left + 1] < items[left] ? left + 1 : left;
        if (items[child] >= last) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
