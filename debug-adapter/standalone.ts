// The bundle the extension starts (dist/debug-adapter.js): DAP over stdio.
import { runDebugAdapter } from "./main";

void runDebugAdapter();
