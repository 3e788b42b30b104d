// Inside a node host started with the inspector: a one-shot breakpoint on a node's function,
// so that a debugger attached to the host (the editor's JavaScript debugger, in a child
// session) pauses on the function's first line when the host calls it (stepIn on the node).
// The breakpoint is set through an in-process inspector session; V8 reports the pause to
// every session with the debugger enabled, and the attached one resumes and steps. Only
// armed while a debugger is attached: with none, nothing could resume the pause.
import { Session } from "node:inspector";


/** Arms a breakpoint on the first call of `fn`; the returned function disarms it. */
export async function armEntryBreakpoint(fn: (...args: unknown[]) => unknown): Promise<() => void> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
  const holder = globalThis as { __stepgraphEntryFunction?: unknown };
  try {
    await post("Debugger.enable");
    // The function's remote object id comes from an evaluation that names it.
    holder.__stepgraphEntryFunction = fn;
    const { result } = await post<{ result: { objectId?: string } }>("Runtime.evaluate", { expression: "globalThis.__stepgraphEntryFunction" });
    if (result.objectId === undefined) throw new Error("the node function has no object id");
    const { breakpointId } = await post<{ breakpointId: string }>("Debugger.setBreakpointOnFunctionCall", { objectId: result.objectId });
    return () => {
      session.post("Debugger.removeBreakpoint", { breakpointId }, () => session.disconnect());
    };
  } catch (e) {
    session.disconnect();
    throw e;
  } finally {
    delete holder.__stepgraphEntryFunction;
  }
}
