// Reads a `.graph` file from disk, refusing what cannot be a graph file with one clear message.
import { readFileSync, statSync } from "node:fs";

/** Larger than any hand-written graph by far (a 10,000-node graph is about 0.5 MB). */
export const MAX_GRAPH_FILE_BYTES = 10 * 1024 * 1024;

export type SourceRead = { ok: true; text: string } | { ok: false; message: string };

export function readGraphSource(path: string): SourceRead {
  let size: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return { ok: false, message: "is a directory, not a graph file" };
    if (!stats.isFile()) return { ok: false, message: "is not a regular file" };
    size = stats.size;
  } catch (e) {
    return { ok: false, message: fileErrorMessage(e) };
  }
  if (size > MAX_GRAPH_FILE_BYTES) {
    return { ok: false, message: `is ${(size / 1024 / 1024).toFixed(1)} MB; graph files are limited to ${MAX_GRAPH_FILE_BYTES / 1024 / 1024} MB` };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, message: fileErrorMessage(e) };
  }
  return decodeGraphSource(bytes);
}

/** UTF-8 text without NUL bytes, or why not. */
export function decodeGraphSource(bytes: Uint8Array): SourceRead {
  if (bytes.includes(0)) return { ok: false, message: "is a binary file, not a graph file (it contains NUL bytes)" };
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: "is not UTF-8 text" };
  }
}

function fileErrorMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EACCES":
    case "EPERM":
      return "cannot be read: permission denied";
    default:
      return `cannot be read (${code ?? String(e)})`;
  }
}
