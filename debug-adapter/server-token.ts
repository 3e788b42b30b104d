// The token of a `stepgraph dap --server` adapter. DAP has no handshake of its own, so the
// client gives the token as the launch attribute `token` (an editor can put it in a launch
// configuration, e.g. "${env:STEPGRAPH_DAP_TOKEN}"); until a launch gives it, a connection
// gets nothing but the answer to `initialize`.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh token for a server started without one. */
export function generateServerToken(): string {
  return randomBytes(24).toString("hex");
}

/** Whether `given` is the token, compared in constant time. */
export function tokenMatches(token: string, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(token), digest(given));
}

export const TOKEN_REFUSAL = "this debug adapter needs the token it was started with: give it as the launch attribute 'token' (see 'stepgraph dap --help')";
