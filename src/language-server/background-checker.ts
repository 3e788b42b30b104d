// Checks documents on a thread of their own (check-thread.ts), started on first use. Used
// for large documents, whose check takes long enough to be felt by every other request.
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Diagnostic } from "vscode-languageserver";
import type { CheckReply, CheckRequest } from "./check-thread";

/** Documents at least this long (in characters) are checked on the background thread. */
export const BACKGROUND_CHECK_CHARS = 256 * 1024;

export class BackgroundChecker {
  private thread: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(d: Diagnostic[]): void; reject(e: Error): void }>();

  /** The server's bundle, next to whichever bundle runs the server (it or the command line). */
  constructor(private readonly script = join(__dirname, "language-server.js")) {}

  check(path: string, text: string): Promise<Diagnostic[]> {
    const thread = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      thread.postMessage({ id, path, text } satisfies CheckRequest);
    });
  }

  close(): Promise<number> | undefined {
    const thread = this.thread;
    this.thread = undefined;
    return thread?.terminate();
  }

  private started(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(this.script);
    // The server ends when its client says `exit`; a checking thread must not keep it alive.
    thread.unref();
    thread.on("message", (reply: CheckReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ("error" in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.diagnostics);
    });
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    thread.on("error", fail);
    thread.on("exit", (code) => fail(new Error(`the checking thread exited (code ${code})`)));
    this.thread = thread;
    return thread;
  }
}
