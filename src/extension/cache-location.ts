// Where the development cache lives for a given `stepgraph.redis.url` setting, as the
// status bar says it, and the address to probe for an answer. Pure; mirrors the search
// order of src/store/open-cache-storage.ts without connecting to anything.
import * as l10n from "@vscode/l10n";
import { DEFAULT_LOCAL_REDIS_URL, invalidRedisUrlReason, redactRedisUrl } from "../store/redis-url";

export interface ProbeAddress {
  host: string;
  port: number;
}

export interface CacheLocation {
  /** Short text for the status bar. */
  label: string;
  /** One sentence for the tooltip. */
  description: string;
  /** The address whose answer says whether the cache is reachable; none for private and in-process. */
  probe?: ProbeAddress;
}

const REDIS_PORT = 6379;

export function describeCacheLocation(setting: string): CacheLocation {
  const value = setting.trim();
  if (value === "" || value === "auto") {
    return {
      label: l10n.t("auto: 127.0.0.1:6379 / private / in-process"),
      description: l10n.t("No stepgraph.redis.url: a Redis on 127.0.0.1:6379 if one answers, else a private redis-server under .stepgraph/, else this session's memory."),
      probe: probeAddress(DEFAULT_LOCAL_REDIS_URL),
    };
  }
  if (value === "private") return { label: l10n.t("private redis-server"), description: l10n.t("A redis-server started for each session, its data under .stepgraph/redis/.") };
  if (value === "memory") return { label: l10n.t("in-process"), description: l10n.t("The debug session's memory: nothing is kept between sessions.") };
  const invalid = invalidRedisUrlReason(value);
  if (invalid) return { label: l10n.t("invalid Redis URL"), description: l10n.t("stepgraph.redis.url: {0}.", invalid) };
  const redacted = redactRedisUrl(value);
  return { label: redacted, description: l10n.t("The Redis at {0} (stepgraph.redis.url).", redacted), probe: probeAddress(value) };
}

function probeAddress(url: string): ProbeAddress {
  const parsed = new URL(url);
  // WHATWG URL keeps IPv6 hosts in brackets; net.connect wants them bare.
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"), port: parsed.port === "" ? REDIS_PORT : Number(parsed.port) };
}
