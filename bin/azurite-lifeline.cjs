// Runs Azurite (path in argv[2]) and stops it gracefully when the process that started it goes away,
// even if that process was killed with SIGKILL: the IPC channel closes, and Azurite gets its SIGTERM.
"use strict";
const script = process.argv.splice(2, 1)[0];
if (process.connected) process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
// Its garbage collector would otherwise freeze it for seconds to minutes after a few thousand messages.
require("./azurite-batch-gc.cjs").batchExtentDeletes(script);
require(script);
