// Deploy Graph: `stepgraph deploy FILE --json` with the deploy key, after a confirmation
// naming the graph and the Redis (stepgraph.deploy.confirm). The result is remembered per
// graph, for Start Local Workers.
import * as vscode from "vscode";
import type { StepgraphContext } from "./context";
import { deployKey } from "./deploy-key";
import { deployedMessage, parseDeployResult } from "./deploy-result";
import { reportCliFailure, reportError } from "./failure-messages";
import { DEPLOY_KEY_ENV, deployArguments, displayedCommand } from "./production-arguments";
import { productionTarget, type ProductionTarget } from "./production-target";
import { runCli } from "./run-cli";
import { deployConfirm } from "./settings";
import { refusedAsUntrusted } from "./workspace-trust";

export async function deployGraph(context: StepgraphContext, uri: vscode.Uri | undefined): Promise<void> {
  // Deploying bundles the workspace's node code for workers to run.
  if (refusedAsUntrusted()) return;
  const target = await productionTarget(uri, { save: true });
  if (!target || !(await confirmed(target))) return;
  const key = await deployKey(context.secrets);
  if (key === undefined) return;

  const args = deployArguments(target.file.fsPath, target.redis);
  const what = vscode.l10n.t({ message: "deploying {0}", args: [target.graph], comment: "what failed, in 'Stepgraph: {0} failed: …'" });
  context.output.info(displayedCommand(args));
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Deploying {0}…", target.graph) }, () =>
      runCli(context.paths.cli, args, { cwd: target.cwd, env: { [DEPLOY_KEY_ENV]: key } }),
    );
    if (result.exitCode !== 0) {
      reportCliFailure(context, what, result);
      return;
    }
    if (result.stderr.trim()) context.output.warn(result.stderr.trimEnd());
    const deployed = parseDeployResult(result.stdout);
    if (!deployed) {
      reportError(context, what, new Error(vscode.l10n.t("the CLI printed no deploy result: {0}", result.stdout.trim() || vscode.l10n.t("(nothing)"))));
      return;
    }
    context.deployments.set(deployed.graph, deployed);
    const message = deployedMessage(deployed);
    context.output.info(message);
    void vscode.window.showInformationMessage(message);
  } catch (e) {
    reportError(context, what, e);
  }
}

/** A modal confirmation, unless stepgraph.deploy.confirm is off. */
async function confirmed(target: ProductionTarget): Promise<boolean> {
  if (!deployConfirm(target.scope)) return true;
  const deploy = vscode.l10n.t("Deploy");
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("Deploy graph {0} to {1}?", target.graph, target.redis.label),
    { modal: true, detail: vscode.l10n.t("It becomes the active version: running workers switch to it between jobs. (Setting: stepgraph.deploy.confirm.)") },
    deploy,
  );
  return choice === deploy;
}
