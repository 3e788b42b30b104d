// The test's part as VS Code and its JavaScript debugger: answering the adapter's
// `startDebugging` reverse request, and attaching to the node host's inspector itself as the
// child session would (inspector-client.ts).
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { TestContext } from "node:test";
import { onReverseRequest } from "./dap-helpers";
import { InspectorClient, type CdpEvent } from "./inspector-client";

/** A breakpoint the child session sets as it attaches, before it answers (as js-debug does with the user's breakpoints). */
export interface AttachBreakpoint {
  urlRegex: string;
  lineNumber: number;
}

export interface ChildSession {
  requests: DebugProtocol.StartDebuggingRequestArguments[];
  /** The inspector connection of the first host attached to. */
  inspector: Promise<InspectorClient>;
  scripts: CdpEvent[];
}

/** Answers startDebugging as VS Code would, and attaches to the host's inspector as the JavaScript debugger would. */
export function actAsChildSession(t: TestContext, breakpoint?: () => AttachBreakpoint): { prepare: (client: DebugClient) => void; child: ChildSession } {
  let attached!: (client: InspectorClient) => void;
  const child: ChildSession = { requests: [], inspector: new Promise((resolve) => (attached = resolve)), scripts: [] };
  const prepare = (client: DebugClient) =>
    onReverseRequest(client, "startDebugging", async (request) => {
      const args = request.arguments as DebugProtocol.StartDebuggingRequestArguments;
      child.requests.push(args);
      const inspector = await InspectorClient.connect(String(args.configuration.websocketAddress));
      t.after(() => inspector.close());
      await inspector.send("Runtime.enable");
      await inspector.send("Debugger.enable");
      if (breakpoint) await inspector.send("Debugger.setBreakpointByUrl", { ...breakpoint() });
      attached(inspector);
      return { success: true };
    });
  return { prepare, child };
}
