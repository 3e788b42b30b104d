// A node's error stack as the user should read it: down to where Stepgraph called the node
// (a node host, or a production worker), without Node's own frames (loading a module, the
// task queue): neither means anything to the user.

/** `stack` cut at the first frame of a file `ours` matches, and without node:internal frames. */
export function userFrames(stack: string, ours: (line: string) => boolean): string {
  const lines = stack.split("\n");
  const callerFrame = lines.findIndex((line) => /^\s+at /.test(line) && ours(line));
  return (callerFrame > 0 ? lines.slice(0, callerFrame) : lines).filter((line) => !/^\s+at .*\bnode:internal\//.test(line)).join("\n");
}
