// The deploy key that signs deployed graphs and that workers verify them with. It is kept
// in VS Code's SecretStorage (the OS keychain), never in settings, and handed to deploy and
// worker processes only, in their environment.
import * as vscode from "vscode";
import { storedDeployKey } from "../production/signed-version";
import { deployKeyProblem } from "./deploy-key-text";

export const DEPLOY_KEY_SECRET = "stepgraph.deployKey";

/** The stored key, else one the user types now (stored for next time); undefined when they cancel. */
export async function deployKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  const stored = storedDeployKey((await secrets.get(DEPLOY_KEY_SECRET)) ?? "");
  return stored || askDeployKey(secrets);
}

/** Asks for the key and stores it; undefined when the user cancels. */
export async function askDeployKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t("Stepgraph Deploy Key"),
    prompt: vscode.l10n.t("The key that signs deployed graphs (the same on every worker: they run only what it signed). Kept in VS Code's secret storage."),
    password: true,
    ignoreFocusOut: true,
    validateInput: deployKeyProblem,
  });
  if (key === undefined) return undefined;
  await secrets.store(DEPLOY_KEY_SECRET, storedDeployKey(key));
  return storedDeployKey(key);
}

/**
 * The Set Deploy Key command: replaces the stored key. A key given as the command's
 * argument (from a script or a test: `executeCommand("stepgraph.setDeployKey", key)`) is
 * stored without asking, if it is a valid key.
 */
export async function setDeployKey(secrets: vscode.SecretStorage, given?: unknown): Promise<void> {
  if (typeof given === "string") {
    const problem = deployKeyProblem(given);
    if (problem) throw new Error(vscode.l10n.t("Stepgraph: {0}", problem));
    await secrets.store(DEPLOY_KEY_SECRET, storedDeployKey(given));
    return;
  }
  if ((await askDeployKey(secrets)) !== undefined) void vscode.window.showInformationMessage(vscode.l10n.t("Stepgraph: the deploy key is stored in VS Code's secret storage."));
}
