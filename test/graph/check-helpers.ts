// Shared by the graph tests: check a graph text against the fixture modules.
import { checkText, type CheckResult } from "../../src/graph/checker";
import { createModuleReader } from "../../src/graph/module-reader";
import { fixturePath } from "../helpers";

export const fixtureGraphPath = fixturePath("graph", "fixtures", "checker", "test.graph");
const modules = createModuleReader();

export function check(text: string): CheckResult {
  return checkText(text, { path: fixtureGraphPath, modules });
}

/** Each diagnostic as `LINE:COL CODE` (1-based), the way a user reads them. */
export function found(text: string): string[] {
  return check(text).diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);
}

/** Joins lines, so that tests can write a graph one statement per array item. */
export function lines(...statements: string[]): string {
  return `${statements.join("\n")}\n`;
}
