// `stepgraph worker` as a bundle of its own (dist/worker-main.js, which dist/cli.js hands the
// command to): a worker's process loads what serving a loop needs and not the compiler,
// bundler and language tooling of the other commands, so that a worker started (or started
// again after a crash) serves sooner.
import { runCommandLine } from "./dispatch";
import { workerCommand } from "./worker";

runCommandLine([workerCommand], process.argv.slice(2));
