// Every error response's code, in one place (docs/debugging.md lists them for clients): the
// thousands say the adapter, the tens the concern (10xx session and launch, 101x stepping and
// frames, 102x evaluate, 103x edits, 104x pausing, 105x pins, 106x the run view, 107x goto).
export const ErrorCode = {
  /** The launch (or restart) could not open the job: a graph with errors, no Redis, ... */
  openFailed: 1001,
  /** restart without arguments before any launch. */
  nothingToRestart: 1002,
  /** The launch configuration is not valid. */
  badLaunchArguments: 1003,
  /** A request to a server without its token. */
  tokenRefused: 1004,
  /** stepBack at the first step. */
  noEarlierStep: 1010,
  /** A frame id the last stack trace did not give. */
  unknownFrame: 1011,
  /** A variables reference of a stop the graph has moved on from. */
  variablesGone: 1012,
  /** exceptionInfo where no node failed. */
  noFailure: 1013,
  /** evaluate with no job. */
  evaluateNoJob: 1020,
  /** evaluate while the graph runs. */
  evaluateWhileRunning: 1021,
  /** An expression that does not evaluate. */
  evaluateFailed: 1022,
  /** setVariable on something that is not a node's output. */
  notAnOutput: 1030,
  /** setExpression on something that is not a node's output or a path into one. */
  notAnOutputPath: 1031,
  /** An edit while stepped back. */
  editInPast: 1032,
  /** A new value that does not parse. */
  badValue: 1033,
  /** A new value the engine refuses. */
  editRefused: 1034,
  /** An edit of a subgraph's output. */
  subgraphOutput: 1035,
  /** A request that needs a job when there is none. */
  noJob: 1040,
  /** A request that needs the graph paused while it runs. */
  running: 1041,
  /** The pin request without its arguments. */
  pinUsage: 1050,
  /** A pin of something that is not in the Outputs scope. */
  pinNotAnOutput: 1051,
  /** A pin of a node with no output here. */
  pinNoOutput: 1052,
  /** A pin whose file could not be written. */
  pinFailed: 1053,
  /** The run view asked for before there is one. */
  noRunView: 1060,
  /** goto to a target gotoTargets did not give. */
  unknownGotoTarget: 1070,
  /** goto the engine refuses (while a node runs, inside a node, ...). */
  gotoRefused: 1071,
} as const;

export type ErrorCodeNumber = (typeof ErrorCode)[keyof typeof ErrorCode];
