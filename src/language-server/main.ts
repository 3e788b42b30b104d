// The language server's entry point: `node dist/language-server.js --stdio` (stdio is the
// default; --node-ipc and --socket=PORT are honoured too).
import { startServer } from "./server";
import { createServerConnection } from "./transport";

startServer(createServerConnection(process.argv.slice(2)));
