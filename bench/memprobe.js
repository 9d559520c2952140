// Loaded into every node process of a benchmark run (NODE_OPTIONS=--require): the dynamic-provider
// process records its peak resident memory (ru_maxrss) and CPU time in BENCH_MEM_DIR, refreshed while
// it runs, since the engine may end it without an exit event.
"use strict";
if (process.env.BENCH_MEM_DIR && /dynamic-provider/.test(process.argv[1] || "")) {
    const fs = require("fs");
    const path = require("path");
    const file = path.join(process.env.BENCH_MEM_DIR, `${process.pid}.json`);
    const write = () => {
        try {
            // Whole or not at all: the benchmark may read it at any moment.
            const cpu = process.cpuUsage();
            fs.writeFileSync(`${file}.tmp`, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, cpuMs: (cpu.user + cpu.system) / 1000 }));
            fs.renameSync(`${file}.tmp`, file);
        } catch { /* the run is over */ }
    };
    setInterval(write, 100).unref();
    process.on("exit", write);
}
