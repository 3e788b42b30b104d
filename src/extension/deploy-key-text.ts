// Checks a deploy key as the user types it, by the CLI's own rule, so that a key the CLI
// would refuse is never stored.
import { MIN_DEPLOY_KEY_LENGTH, storedDeployKey } from "../production/signed-version";

/** Why `text` cannot be a deploy key, or undefined when it can (the input box's validation). */
export function deployKeyProblem(text: string): string | undefined {
  const key = storedDeployKey(text);
  if (key === "") return "The deploy key cannot be empty.";
  if (key.length < MIN_DEPLOY_KEY_LENGTH) return `At least ${MIN_DEPLOY_KEY_LENGTH} characters: an HMAC is only as strong as its key.`;
  return undefined;
}

/** A message about the key (missing, too short, not verifying) says where the extension's key is changed. */
export function withDeployKeyHint(message: string): string {
  return /deploy.?key/i.test(message) ? `${message} (the key is set with "Stepgraph: Set Deploy Key")` : message;
}
