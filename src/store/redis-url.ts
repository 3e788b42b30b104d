// Redis URLs as users write them (redis://, rediss:// for TLS, with user and password).

export const DEFAULT_LOCAL_REDIS_URL = "redis://127.0.0.1:6379";

/** The URL with its password replaced, for messages and status lines. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}

/** Why `url` is not a Redis URL, or undefined when it is one. */
export function invalidRedisUrlReason(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `'${url}' is not a URL (expected redis://HOST:PORT or rediss://HOST:PORT)`;
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    return `'${redactRedisUrl(url)}' is not a Redis URL (expected redis:// or rediss://)`;
  }
  if (parsed.hostname === "") return `'${redactRedisUrl(url)}' names no host`;
  return undefined;
}

/** Whether two Redis URLs name the same server and database (a missing port is 6379, localhost is 127.0.0.1). */
export function sameRedisServer(a: string, b: string): boolean {
  const server = (url: string) => {
    try {
      const parsed = new URL(url);
      const host = parsed.hostname === "localhost" || parsed.hostname === "[::1]" ? "127.0.0.1" : parsed.hostname.toLowerCase();
      return `${host}:${parsed.port || "6379"}/${parsed.pathname.replace(/^\//, "") || "0"}`;
    } catch {
      return url;
    }
  };
  return server(a) === server(b);
}
