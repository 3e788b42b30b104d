// The `stepgraph` command line: dispatches to one file per subcommand.
import { cacheCommand } from "./cache";
import { checkCommand } from "./check";
import type { Command } from "./command";
import { dapCommand } from "./dap";
import { captureCommand } from "./capture";
import { capturesCommand } from "./captures";
import { deadCommand } from "./dead";
import { deployCommand } from "./deploy";
import { runCommandLine } from "./dispatch";
import { graphCommand } from "./graph";
import { graphsCommand } from "./graphs";
import { lspCommand } from "./lsp";
import { runCommand } from "./run";
import { statusCommand } from "./status";
import { submitCommand } from "./submit";
import { workerCommand } from "./worker";

const commands: readonly Command[] = [checkCommand, runCommand, graphCommand, dapCommand, lspCommand, deployCommand, workerCommand, submitCommand, statusCommand, graphsCommand, deadCommand, captureCommand, capturesCommand, cacheCommand];

runCommandLine(commands, process.argv.slice(2));
