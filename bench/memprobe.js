// Loaded into every node process of a benchmark run (NODE_OPTIONS=--require): the dynamic-provider
// process records its peak resident memory (ru_maxrss) in BENCH_MEM_DIR, refreshed while it runs,
// since the engine may end it without an exit event.
"use strict";
if (process.env.BENCH_MEM_DIR && /dynamic-provider/.test(process.argv[1] || "")) {
    const fs = require("fs");
    const path = require("path");
    const file = path.join(process.env.BENCH_MEM_DIR, `${process.pid}.json`);
    const write = () => {
        try {
            fs.writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
        } catch { /* the run is over */ }
    };
    setInterval(write, 100).unref();
    process.on("exit", write);
}
