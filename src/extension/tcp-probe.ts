// Whether something accepts a TCP connection at an address: the status bar's "does the
// cache answer" check. A connect is enough (no Redis client in the extension host).
import { connect } from "node:net";
import type { ProbeAddress } from "./cache-location";

export function tcpProbe(address: ProbeAddress, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    const finish = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}
