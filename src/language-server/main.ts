// The language server's entry point: `node dist/language-server.js --stdio` (stdio is the
// default; --node-ipc and --socket=PORT are honoured too). Started as a worker thread, the
// same bundle checks large documents for the server (check-thread.ts).
import { isMainThread } from "node:worker_threads";
import { serveChecks } from "./check-thread";
import { startServer } from "./server";
import { createServerConnection } from "./transport";

if (isMainThread) startServer(createServerConnection(process.argv.slice(2)));
else serveChecks();
