// A small client of a node host's inspector (the Chrome DevTools Protocol over a WebSocket,
// the `ws` package's client: Node 20 has none), standing in for the editor's JavaScript debugger.
import WebSocket from "ws";

export interface InspectorTarget {
  id: string;
  type: string;
  url: string;
  webSocketDebuggerUrl: string;
}

/** The targets an inspector lists at http://HOST:PORT/json/list. */
export async function inspectorTargets(host: string, port: number): Promise<InspectorTarget[]> {
  const response = await fetch(`http://${host}:${port}/json/list`);
  return (await response.json()) as InspectorTarget[];
}

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
}

/** A message from the inspector: a command's result (with its id) or an event. */
interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: unknown;
}

export class InspectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  private readonly events: CdpEvent[] = [];
  private readonly waiters: { method: string; resolve: (event: CdpEvent) => void }[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => this.dispatch(JSON.parse(data.toString()) as CdpMessage));
  }

  /** Connects to a ws:// URL (an inspector's webSocketDebuggerUrl). */
  static connect(url: string): Promise<InspectorClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once("open", () => resolve(new InspectorClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Sends a command and waits for its result (an error result rejects). */
  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (message) => (message.error ? reject(new Error(JSON.stringify(message.error))) : resolve(message.result as T)));
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The next event of this method (one that came before the call included). */
  nextEvent(method: string, timeoutMs = 15_000): Promise<CdpEvent> {
    const index = this.events.findIndex((e) => e.method === method);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        method,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }

  close(): void {
    this.socket.terminate();
  }

  private dispatch(message: CdpMessage): void {
    if (message.id !== undefined) {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
      return;
    }
    const event: CdpEvent = { method: message.method ?? "", params: message.params ?? {} };
    const waiter = this.waiters.findIndex((w) => w.method === event.method);
    if (waiter >= 0) this.waiters.splice(waiter, 1)[0].resolve(event);
    else this.events.push(event);
  }
}
