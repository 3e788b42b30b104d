// The status bar item shown for graph files: where the cache lives and whether it answers.
// Clicking it opens the output channel.
import * as vscode from "vscode";
import { describeCacheLocation, type CacheLocation } from "./cache-location";
import { tcpProbe } from "./tcp-probe";

/** How long a probe may wait for a connection, and how long its answer is trusted. */
const PROBE_TIMEOUT_MS = 500;
const PROBE_FRESH_MS = 15_000;

type Reachability = "answers" | "no answer" | "unchecked";

export const SHOW_OUTPUT_COMMAND = "stepgraph.showOutput";

export class CacheStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("stepgraph.cache", vscode.StatusBarAlignment.Left, 10);
  private lastProbe: { setting: string; at: number; reachability: Reachability } | undefined;

  /** `redisSetting` reads stepgraph.redis.url for a document (it may differ per folder). */
  constructor(private readonly redisSetting: (document: vscode.Uri) => string) {
    this.item.name = vscode.l10n.t("Stepgraph Cache");
    this.item.command = SHOW_OUTPUT_COMMAND;
  }

  /** Shows the item for a graph editor (probing when the last answer is stale) and hides it otherwise. */
  async update(editor: vscode.TextEditor | undefined): Promise<void> {
    if (editor?.document.languageId !== "stepgraph") {
      this.item.hide();
      return;
    }
    const setting = this.redisSetting(editor.document.uri);
    const location = describeCacheLocation(setting);
    this.render(location, this.freshReachability(setting) ?? "unchecked");
    this.item.show();
    if (this.freshReachability(setting) !== undefined || !location.probe) return;
    const reachability: Reachability = (await tcpProbe(location.probe, PROBE_TIMEOUT_MS)) ? "answers" : "no answer";
    this.lastProbe = { setting, at: Date.now(), reachability };
    if (vscode.window.activeTextEditor === editor && this.redisSetting(editor.document.uri) === setting) this.render(location, reachability);
  }

  /** Forgets the last probe, e.g. after the setting changed. */
  invalidate(): void {
    this.lastProbe = undefined;
  }

  dispose(): void {
    this.item.dispose();
  }

  private freshReachability(setting: string): Reachability | undefined {
    const probe = this.lastProbe;
    return probe && probe.setting === setting && Date.now() - probe.at < PROBE_FRESH_MS ? probe.reachability : undefined;
  }

  private render(location: CacheLocation, reachability: Reachability): void {
    const probed = location.probe !== undefined;
    const icon = !probed || reachability === "unchecked" ? "$(database)" : reachability === "answers" ? "$(check)" : "$(warning)";
    this.item.text = `${icon} ${vscode.l10n.t("Stepgraph cache: {0}", location.label)}`;
    this.item.tooltip = [location.description, probed ? reachabilityText(location, reachability) : "", vscode.l10n.t("Click to open the Stepgraph output.")]
      .filter((line) => line !== "")
      .join("\n\n");
  }
}

function reachabilityText(location: CacheLocation, reachability: Reachability): string {
  const address = `${location.probe?.host}:${location.probe?.port}`;
  if (reachability === "answers") return vscode.l10n.t("{0} accepts connections.", address);
  if (reachability === "no answer") return vscode.l10n.t("Nothing answers on {0}.", address);
  return vscode.l10n.t("Checking {0}...", address);
}
