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

const DEPLOY = "Deploy";

export async function deployGraph(context: StepgraphContext, uri: vscode.Uri | undefined): Promise<void> {
  // Deploying bundles the workspace's node code for workers to run.
  if (refusedAsUntrusted()) return;
  const target = await productionTarget(uri, { save: true });
  if (!target || !(await confirmed(target))) return;
  const key = await deployKey(context.secrets);
  if (key === undefined) return;

  const args = deployArguments(target.file.fsPath, target.redis);
  const what = `deploying ${target.graph}`;
  context.output.info(displayedCommand(args));
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying ${target.graph}…` }, () =>
      runCli(context.paths.cli, args, { cwd: target.cwd, env: { [DEPLOY_KEY_ENV]: key } }),
    );
    if (result.exitCode !== 0) {
      reportCliFailure(context, what, result);
      return;
    }
    if (result.stderr.trim()) context.output.warn(result.stderr.trimEnd());
    const deployed = parseDeployResult(result.stdout);
    if (!deployed) {
      reportError(context, what, new Error(`the CLI printed no deploy result: ${result.stdout.trim() || "(nothing)"}`));
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
  const choice = await vscode.window.showWarningMessage(
    `Deploy graph ${target.graph} to ${target.redis.label}?`,
    { modal: true, detail: "It becomes the active version: running workers switch to it between jobs. (Setting: stepgraph.deploy.confirm.)" },
    DEPLOY,
  );
  return choice === DEPLOY;
}
