// Start Local Workers and Stop Local Workers: one `stepgraph worker` per loop of a graph's
// active deployment, run on this machine by the extension and stopped with it.
import * as vscode from "vscode";
import { cliFailureLine } from "./cli-failure";
import type { StepgraphContext } from "./context";
import { deployKey } from "./deploy-key";
import { reportError } from "./failure-messages";
import { STOP_GRACE_MS } from "./local-workers";
import { DEPLOY_KEY_ENV, displayedCommand, statusArguments } from "./production-arguments";
import { chooseWorkerLoops, parseProductionStatus, type LoopChoice } from "./production-status";
import { productionTarget } from "./production-target";
import { runCli } from "./run-cli";
import { startedWorkersMessage, stoppedWorkersMessage } from "./worker-messages";
import { refusedAsUntrusted } from "./workspace-trust";

const STATUS_BAR_MESSAGE_MS = 5000;

export async function startLocalWorkers(context: StepgraphContext, uri: vscode.Uri | undefined): Promise<void> {
  // Workers run the deployed node code, which came from this workspace.
  if (refusedAsUntrusted()) return;
  const target = await productionTarget(uri);
  if (!target) return;
  if (alreadyRunning(context, target.graph)) return;

  // The active version's loops, from the status; this window's last deploy when it cannot say.
  const args = statusArguments(target.graph, target.redis, { json: true });
  context.output.info(displayedCommand(args));
  let choice: LoopChoice;
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Reading the status of {0}", target.graph) }, () =>
      runCli(context.paths.cli, args, { cwd: target.cwd }),
    );
    const status = result.exitCode === 0 ? parseProductionStatus(result.stdout) : undefined;
    if (!status) context.output.warn(vscode.l10n.t("status of {0}: {1}", target.graph, result.exitCode === 0 ? vscode.l10n.t("no status in the CLI's output") : result.stderr.trimEnd()));
    const failure = result.exitCode === 0 ? vscode.l10n.t("the CLI printed no status") : cliFailureLine(result);
    choice = chooseWorkerLoops(target.graph, status, context.deployments.get(target.graph), failure);
  } catch (e) {
    reportError(context, vscode.l10n.t({ message: "reading the status of {0}", args: [target.graph], comment: "what failed, in 'Stepgraph: {0} failed: …'" }), e);
    return;
  }
  if (!choice.ok) {
    void vscode.window.showWarningMessage(vscode.l10n.t("Stepgraph: {0}", choice.message));
    return;
  }
  if (choice.from === "last deploy") context.output.warn(vscode.l10n.t("starting workers for the loops of this window's last deploy of {0}", target.graph));

  // Workers verify the deployed code's signature with the same key.
  const key = await deployKey(context.secrets);
  // Checked again: a second Start may have run while this one waited.
  if (key === undefined || alreadyRunning(context, target.graph)) return;
  const started = context.localWorkers.start({ graph: target.graph, loops: choice.loops, redis: target.redis, cwd: target.cwd, env: { [DEPLOY_KEY_ENV]: key } });
  const message = startedWorkersMessage(target.graph, started.length);
  context.output.info(message);
  vscode.window.setStatusBarMessage(`$(server-process) ${message}`, STATUS_BAR_MESSAGE_MS);
}

/** True, after saying so, when this window already runs workers for the graph. */
function alreadyRunning(context: StepgraphContext, graph: string): boolean {
  const running = context.localWorkers.running(graph).length;
  if (running === 0) return false;
  void vscode.window.showInformationMessage(
    running === 1
      ? vscode.l10n.t("Stepgraph: 1 local worker for {0} already running; stop it first to start it again.", graph)
      : vscode.l10n.t("Stepgraph: {0} local workers for {1} already running; stop them first to start them again.", running, graph),
  );
  return true;
}

/** Stops every local worker this window started, whatever graph it serves. */
export async function stopLocalWorkers(context: StepgraphContext): Promise<void> {
  if (refusedAsUntrusted()) return;
  const count = context.localWorkers.running().length;
  if (count === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Stepgraph: no local workers are running."));
    return;
  }
  const report = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title:
        count === 1
          ? vscode.l10n.t("Stopping 1 local worker (it finishes its jobs in flight)…")
          : vscode.l10n.t("Stopping {0} local workers (they finish their jobs in flight)…", count),
    },
    () => context.localWorkers.stopAll(),
  );
  const message = stoppedWorkersMessage(report, STOP_GRACE_MS);
  context.output.info(message);
  if (report.killed.length > 0) void vscode.window.showWarningMessage(message);
  else void vscode.window.showInformationMessage(message);
}
