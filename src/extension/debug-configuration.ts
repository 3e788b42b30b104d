// Fills in a `stepgraph` launch configuration, for F5 with or without a launch.json and for
// the Debug/Run Graph commands. Pure (no `vscode` import) so every branch is unit-tested;
// debug-configuration-provider.ts gathers the inputs from the editor and the settings.
import { basename } from "node:path";
import * as l10n from "@vscode/l10n";
import { NODE_HOST_ATTRIBUTE } from "../../debug-adapter/node-debugging";
import { DURATION_UNITS } from "../graph/lexer";
import { invalidRedisUrlReason } from "../store/redis-url";

export const DEBUG_TYPE = "stepgraph";
/** VS Code's built-in JavaScript debugger (vscode-js-debug), for node code. */
export const JS_DEBUG_TYPE = "pwa-node";

/** The shape VS Code passes around (vscode.DebugConfiguration without the import). */
export interface LaunchConfiguration {
  type: string;
  request: string;
  name: string;
  [attribute: string]: unknown;
}

/** The `stepgraph.*` settings a launch uses. */
export interface LaunchSettings {
  /** `stepgraph.redis.url`; empty for the search order. */
  redisUrl: string;
  /** `stepgraph.cache.defaultTtl`, e.g. "7d"; empty for the engine's default. */
  defaultTtl: string;
}

export interface ResolutionContext {
  /** The file in the active editor, if any. */
  activeFile?: { path: string; languageId: string };
  /** The folder of the workspace the launch belongs to. */
  workspaceFolder?: string;
  settings: LaunchSettings;
  /** Workspace Trust: an untrusted workspace runs no user code. */
  trusted: boolean;
}

export type Resolution = { ok: true; configuration: LaunchConfiguration } | { ok: false; message: string };

// Functions, not constants: a message is looked up in the bundle when it is shown, after
// activation has handed @vscode/l10n the bundle (extension.ts), not when the module loads.
export function untrustedMessage(): string {
  return l10n.t("Stepgraph runs no graph in an untrusted workspace: its nodes would run this workspace's code. Trust the workspace to debug or run it.");
}

export function noGraphMessage(): string {
  return l10n.t("Stepgraph: open a .graph file to debug it, or name one in the launch configuration ('graph').");
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/** Milliseconds in a duration such as "7d", "12h", "30m", "90s" or "500ms"; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2]];
}

/** A launch of one graph file: the Debug Graph command, and F5 with no launch.json. */
export function graphLaunchConfiguration(graphPath: string, options: { noDebug?: boolean } = {}): LaunchConfiguration {
  if (options.noDebug) return { type: DEBUG_TYPE, request: "launch", name: l10n.t("Run {0}", basename(graphPath)), graph: graphPath, stopOnEntry: false, noDebug: true };
  return { type: DEBUG_TYPE, request: "launch", name: l10n.t("Debug {0}", basename(graphPath)), graph: graphPath, stopOnEntry: true };
}

/** The replay of production's job `job` with the graph file at `graphPath` (the production Redis is added when resolved). */
export function replayLaunchConfiguration(graphPath: string, job: string): LaunchConfiguration {
  return { type: DEBUG_TYPE, request: "launch", name: l10n.t("Debug job {0} ({1})", job, basename(graphPath)), graph: graphPath, replay: { job } };
}

/**
 * The configuration to launch: `config` as written (or empty, for F5 with no launch.json)
 * completed from the active graph file, the settings and the workspace folder. Attributes
 * the user wrote are never overridden.
 */
export function resolveDebugConfiguration(config: Partial<LaunchConfiguration>, context: ResolutionContext): Resolution {
  if (!context.trusted) return { ok: false, message: untrustedMessage() };
  // A child session the adapter asked for (startDebugging) on a node host's inspector: VS
  // Code gives it the parent's type, and it is the JavaScript debugger's to run.
  if (config.request === "attach" && config[NODE_HOST_ATTRIBUTE] === true) return { ok: true, configuration: { ...(config as LaunchConfiguration), type: JS_DEBUG_TYPE } };
  const graph = config.graph ?? activeGraphFile(context);
  if (graph === undefined) return { ok: false, message: noGraphMessage() };
  if (typeof graph !== "string" || graph.trim() === "") return { ok: false, message: l10n.t("Stepgraph: the launch configuration's 'graph' must be the path of a .graph file.") };
  const request = config.request ?? "launch";
  if (request !== "launch") return { ok: false, message: l10n.t('Stepgraph: a debug session is always launched (request "launch"), not "{0}".', String(request)) };
  const defaultTtlMs = config.defaultTtlMs ?? settingTtlMs(context.settings.defaultTtl);
  if (defaultTtlMs === null) {
    return { ok: false, message: l10n.t("Stepgraph: the setting stepgraph.cache.defaultTtl '{0}' is not a duration (e.g. 7d, 12h, 30m).", context.settings.defaultTtl) };
  }
  const configuration: LaunchConfiguration = { ...graphLaunchConfiguration(graph), ...config, type: DEBUG_TYPE, request, graph };
  if (config.replay !== undefined) completeReplay(configuration, config, context.settings);
  setWhenMissing(configuration, "redisUrl", context.settings.redisUrl.trim() || undefined);
  setWhenMissing(configuration, "defaultTtlMs", defaultTtlMs);
  setWhenMissing(configuration, "cwd", context.workspaceFolder);
  return { ok: true, configuration };
}

/**
 * A replay runs to the node that failed in production unless it says `stopOnEntry`, and
 * reads the production Redis the setting names when it names a redis:// URL (else the
 * adapter takes STEPGRAPH_REDIS_URL, as the production commands do). What is not an object
 * is left as written, for the adapter to refuse.
 */
function completeReplay(configuration: LaunchConfiguration, config: Partial<LaunchConfiguration>, settings: LaunchSettings): void {
  if (config.stopOnEntry === undefined) configuration.stopOnEntry = false;
  const replay = config.replay;
  if (replay === null || typeof replay !== "object" || Array.isArray(replay)) return;
  const url = settings.redisUrl.trim();
  if ((replay as { redisUrl?: unknown }).redisUrl === undefined && url !== "" && invalidRedisUrlReason(url) === undefined) configuration.replay = { ...replay, redisUrl: url };
}

function activeGraphFile(context: ResolutionContext): string | undefined {
  const file = context.activeFile;
  return file !== undefined && (file.languageId === DEBUG_TYPE || file.path.endsWith(".graph")) ? file.path : undefined;
}

/** The TTL the setting gives: undefined when it is empty, null when it is not a duration. */
function settingTtlMs(setting: string): number | undefined | null {
  if (setting.trim() === "") return undefined;
  return parseDuration(setting) ?? null;
}

function setWhenMissing(configuration: LaunchConfiguration, attribute: string, value: unknown): void {
  if (configuration[attribute] === undefined && value !== undefined) configuration[attribute] = value;
}
