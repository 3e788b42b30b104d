// The generated graphs the engine benchmarks run: each node uses one or two earlier nodes,
// so the graph is a real DAG (wide and deep), over three tiny functions.

/** The node module's functions (results kept small, so values stay cheap). */
export const STEP_FUNCTIONS = [
  "export const inc = (x: number): number => (x + 1) % 1_000_003;",
  "export const add = (a: number, b: number): number => (a + b) % 1_000_003;",
  "export async function scale(x: number, by: number): Promise<number> { return (x * by) % 1_000_003; }",
];

/** `graph NAME`, `use "./steps.ts"`, `input seed`, then `nodes` nodes n0, n1, ... */
export function chainGraphLines(name: string, nodes: number): string[] {
  const lines = [`graph ${name}`, 'use "./steps.ts"', "input seed"];
  for (let i = 0; i < nodes; i++) {
    const a = i === 0 ? "seed" : `n${Math.floor(i / 2)}`;
    const b = i < 2 ? "seed" : `n${i - 1}`;
    lines.push(`node n${i} = ${i % 3 === 0 ? `inc(${a})` : i % 3 === 1 ? `add(${a}, ${b})` : `scale(${b}, 2)`}`);
  }
  return lines;
}
