// Checks a deploy key as the user types it, by the CLI's own rule, so that a key the CLI
// would refuse is never stored.
import * as l10n from "@vscode/l10n";
import { MIN_DEPLOY_KEY_LENGTH, storedDeployKey } from "../production/signed-version";

/** Why `text` cannot be a deploy key, or undefined when it can (the input box's validation). */
export function deployKeyProblem(text: string): string | undefined {
  const key = storedDeployKey(text);
  if (key === "") return l10n.t("The deploy key cannot be empty.");
  if (key.length < MIN_DEPLOY_KEY_LENGTH) return l10n.t("At least {0} characters: an HMAC is only as strong as its key.", MIN_DEPLOY_KEY_LENGTH);
  return undefined;
}

/** A message about the key (missing, too short, not verifying) says where the extension's key is changed. */
export function withDeployKeyHint(message: string): string {
  return /deploy.?key/i.test(message) ? l10n.t('{0} (the key is set with "Stepgraph: Set Deploy Key")', message) : message;
}
