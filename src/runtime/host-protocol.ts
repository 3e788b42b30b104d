// Messages between the ProcessPool and a node host process (over the IPC channel).
// Values travel encoded (values.ts), so that what the host sends is data only.

/** What a node function receives as its last argument, less what only the host can make. */
export interface ContextFields {
  graph: string;
  node: string;
  jobId: string;
  attempt: number;
  mode: "dev" | "prod";
  /** For one element of a `map` node: its position and how many there are. */
  index?: number;
  count?: number;
}

export type LogLevel = "log" | "error";

export type ToHost =
  /** `pauseOnEntry`: the attached debugger pauses on the function's first line (entry-breakpoint.ts). */
  | { type: "run"; runId: number; bundlePath: string; exportName: string; args: string; context: ContextFields; pauseOnEntry?: boolean }
  | { type: "abort"; runId: number; reason: string };

export interface NodeErrorInfo {
  message: string;
  /** The stack with frames mapped to the TypeScript source. */
  stack?: string;
  /** The error's class name (`TypeError`, ...). */
  name?: string;
}

export type FromHost =
  /** Sent once, when the host has started: and with the inspector, where a debugger attaches. */
  | { type: "ready"; inspectorUrl?: string }
  | { type: "log"; runId: number; level: LogLevel; text: string }
  | { type: "done"; runId: number; ok: true; value: string }
  | { type: "done"; runId: number; ok: false; error: NodeErrorInfo };
