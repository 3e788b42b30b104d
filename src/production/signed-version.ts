// Signing and verifying a deployed version: HMAC-SHA256 with the deploy key over the
// manifest (which holds the compiled graph and the version number) and the artifact.
// A worker runs nothing that does not verify.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { StoredVersion } from "../store/queue-store";
import { PRODUCTION_GRAPH_FORMAT, type ProductionGraph } from "./production-graph";

export interface VersionManifest {
  graph: ProductionGraph;
  version: number;
  createdAt: number;
  artifactSha256: string;
}

/** A version a worker will not run: tampered, signed with another key, or of another format. */
export class VersionRefusedError extends Error {}

/** Keys shorter than this are refused: an HMAC is only as strong as its key. */
export const MIN_DEPLOY_KEY_LENGTH = 16;

/** The deploy key that `text` gives, for the command line and the extension alike: surrounding whitespace does not count. */
export function storedDeployKey(text: string): string {
  return text.trim();
}

export function signVersion(manifest: VersionManifest, artifact: string, key: string): StoredVersion {
  const manifestText = JSON.stringify(manifest);
  return { manifest: manifestText, artifact, signature: signature(manifestText, artifact, key) };
}

/** The manifest of a stored version, after checking its signature and artifact hash. */
export function verifyVersion(stored: StoredVersion, key: string, graphName: string, version: number): VersionManifest {
  const expected = Buffer.from(signature(stored.manifest, stored.artifact, key), "hex");
  const given = Buffer.from(stored.signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new VersionRefusedError(`version ${version} of graph '${graphName}' does not verify with this deploy key (tampered, or deployed with another key): refused`);
  }
  const manifest = JSON.parse(stored.manifest) as VersionManifest;
  if (manifest.version !== version || manifest.graph.name !== graphName) {
    throw new VersionRefusedError(`version ${version} of graph '${graphName}' holds version ${manifest.version} of '${manifest.graph.name}': refused`);
  }
  if (manifest.graph.format !== PRODUCTION_GRAPH_FORMAT) {
    throw new VersionRefusedError(`version ${version} of graph '${graphName}' was deployed by another Stepgraph (format ${manifest.graph.format}, this one reads ${PRODUCTION_GRAPH_FORMAT})`);
  }
  return manifest;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function signature(manifest: string, artifact: string, key: string): string {
  return createHmac("sha256", key).update("stepgraph-version-v1\n").update(manifest).update("\n").update(artifact).digest("hex");
}

/**
 * The active-version pointer: which version new jobs start on. It is signed like the
 * versions, with a sequence number that grows with each activation, so that a worker can
 * refuse one older than the one it holds (a signed pointer of an earlier deploy written
 * back into Redis) as well as one that does not verify.
 */
export interface ActivePointer {
  version: number;
  sequence: number;
}

export function signPointer(graphName: string, pointer: ActivePointer, key: string): string {
  return JSON.stringify({ version: pointer.version, sequence: pointer.sequence, signature: pointerSignature(graphName, pointer, key) });
}

/** The pointer as it reads, unverified (for the submitter, which has no key). Throws VersionRefusedError when it is not a signed pointer at all. */
export function readPointer(text: string, graphName: string): ActivePointer & { signature: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const { version, sequence, signature } = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(version) || !Number.isSafeInteger(sequence) || typeof signature !== "string") {
    throw new VersionRefusedError(`the active-version pointer of graph '${graphName}' is not a signed pointer (written by hand, or by an earlier Stepgraph): deploy again`);
  }
  return { version: version as number, sequence: sequence as number, signature };
}

/** The pointer, after checking its signature. */
export function verifyPointer(text: string, graphName: string, key: string): ActivePointer {
  const pointer = readPointer(text, graphName);
  const expected = Buffer.from(pointerSignature(graphName, pointer, key), "hex");
  const given = Buffer.from(pointer.signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new VersionRefusedError(`the active-version pointer of graph '${graphName}' does not verify with this deploy key (tampered, or written with another key): refused`);
  }
  return { version: pointer.version, sequence: pointer.sequence };
}

function pointerSignature(graphName: string, pointer: ActivePointer, key: string): string {
  return createHmac("sha256", key).update(`stepgraph-active-v1\n${graphName}\n${pointer.version}\n${pointer.sequence}`).digest("hex");
}
