// A copy of a runtime fixture folder in a temporary workspace, so that tests may edit it.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "../helpers";

export interface Workspace {
  dir: string;
  /** The workspace's .stepgraph folder (bundles, private Redis data). */
  stateDir: string;
  path(...parts: string[]): string;
  edit(file: string, change: (text: string) => string): void;
  write(file: string, text: string): void;
}

/** Copies test/ROOM/fixtures/NAME (ROOM: runtime unless given). */
export function copyFixture(name: string, room = "runtime"): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `stepgraph-${name}-`));
  cpSync(fixturePath(room, "fixtures", name), dir, { recursive: true });
  const path = (...parts: string[]) => join(dir, ...parts);
  return {
    dir,
    stateDir: path(".stepgraph"),
    path,
    edit: (file, change) => writeFileSync(path(file), change(readFileSync(path(file), "utf8"))),
    write: (file, text) => writeFileSync(path(file), text),
  };
}
