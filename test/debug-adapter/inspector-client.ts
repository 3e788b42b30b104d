// A small client of a node host's inspector (the Chrome DevTools Protocol over a WebSocket),
// standing in for the editor's JavaScript debugger: Node 20 has no WebSocket client, so the
// handshake and the framing (RFC 6455: text frames, masked from the client) are done here.
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import type { Socket } from "node:net";

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

export class InspectorClient {
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  private readonly events: CdpEvent[] = [];
  private readonly waiters: { method: string; resolve: (event: CdpEvent) => void }[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on("data", (data: Buffer) => this.receive(data));
  }

  /** Connects to a ws:// URL (an inspector's webSocketDebuggerUrl). */
  static connect(url: string): Promise<InspectorClient> {
    const { hostname, port, pathname } = new URL(url);
    return new Promise((resolve, reject) => {
      const key = randomBytes(16).toString("base64");
      const upgrade = request({ host: hostname, port, path: pathname, headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": key } });
      upgrade.on("upgrade", (_response, socket) => resolve(new InspectorClient(socket)));
      upgrade.on("response", (response) => reject(new Error(`no WebSocket upgrade at ${url}: HTTP ${response.statusCode}`)));
      upgrade.on("error", reject);
      upgrade.end();
    });
  }

  /** Sends a command and waits for its result (an error result rejects). */
  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const text = Buffer.from(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => {
      this.pending.set(id, (message) => (message.error ? reject(new Error(JSON.stringify(message.error))) : resolve(message.result as T)));
      this.socket.write(frame(text));
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
    this.socket.destroy();
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.buffer.length < 2) return;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const opcode = this.buffer[0] & 0x0f;
      const payload = this.buffer.subarray(offset, offset + length).toString("utf8");
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 1) this.dispatch(JSON.parse(payload) as { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: unknown });
    }
  }

  private dispatch(message: { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: unknown }): void {
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

/** A masked text frame. */
function frame(payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([header, mask, masked]);
}
