// Notices that the Pulumi engine that started this plugin has gone (killed, crashed), so the plugin does
// not outlive it. Used by langhost.js and, preloaded with `node -r`, by the dynamic-provider process.
//
// Two signals, either is enough:
// - stdin: the engine starts every plugin with a pipe on stdin that it never writes to or closes; the
//   kernel closes it when the engine dies, so end-of-file on that pipe is the engine's death, at once.
//   Only a pipe counts: run by hand (stdin a terminal or /dev/null), the plugin does not watch it.
// - a health check on the engine's gRPC address, as Pulumi's Go language host does (rpcutil.Healthcheck),
//   but every 2 s rather than every 5 min. Only "nothing listens there" (UNAVAILABLE) twice in a row
//   counts: a slow answer from a busy engine must never end a healthy run.
"use strict";
const fs = require("fs");
const path = require("path");

const CHECK_INTERVAL_MS = 2000;
const FAILURES_TO_GIVE_UP = 2;

/** The engine's address among a plugin's arguments: the last `host:port` positional. */
function engineAddressFromArgs(args) {
    const positionals = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--tracing") { i++; continue; }
        if (!args[i].startsWith("-")) positionals.push(args[i]);
    }
    return positionals.reverse().find((a) => /^[\w.\-[\]:]+:\d+$/.test(a));
}

function stdinIsPipe() {
    try {
        return fs.fstatSync(0).isFIFO();
    } catch {
        return false;
    }
}

/**
 * Calls `onGone(reason)` once when the engine is gone. `grpc` is @grpc/grpc-js (the SDK's copy), needed
 * for the health check; without it, or without an address, only stdin is watched.
 */
function watchEngine({ address, grpc, onGone }) {
    let fired = false;
    const gone = (reason) => {
        if (fired) return;
        fired = true;
        clearInterval(timer);
        onGone(reason);
    };

    if (stdinIsPipe()) {
        // Reading keeps the pipe drained; nothing is ever written to it.
        process.stdin.on("data", () => undefined);
        process.stdin.on("end", () => gone("the engine closed our stdin (it exited)"));
        process.stdin.on("error", () => gone("the engine's stdin pipe failed"));
    }

    let timer;
    if (address && grpc) {
        const client = new grpc.Client(address, grpc.credentials.createInsecure());
        let failures = 0;
        let inFlight = false;
        timer = setInterval(() => {
            if (inFlight) return;
            inFlight = true;
            // grpc.health.v1.Health/Check with an empty HealthCheckRequest (service ""): zero bytes.
            client.makeUnaryRequest("/grpc.health.v1.Health/Check", () => Buffer.alloc(0), (b) => b, {},
                { deadline: Date.now() + 10_000 }, (err) => {
                    inFlight = false;
                    if (err && err.code === grpc.status.UNAVAILABLE) {
                        if (++failures >= FAILURES_TO_GIVE_UP) gone(`the engine at ${address} is unreachable: ${err.details || err.message}`);
                    } else {
                        failures = 0; // answered (even UNIMPLEMENTED) or merely slow: alive
                    }
                });
        }, CHECK_INTERVAL_MS);
        timer.unref();
    }
}

module.exports = { watchEngine, engineAddressFromArgs };

// Preloaded (`node -r engine-watch.js <dynamic-provider> <args>`): no main module yet. Exit when the
// engine goes; an operation in flight has nobody left to report to.
if (!require.main) {
    const args = process.argv.slice(2);
    let grpc;
    try {
        const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd()] }));
        grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk] }));
    } catch { /* stdin alone */ }
    watchEngine({
        address: engineAddressFromArgs(args),
        grpc,
        onGone: (reason) => {
            try { process.stderr.write(`pulumi-resource-pulumi-nodejs: exiting: ${reason}\n`); } catch { /* engine gone */ }
            process.exit(1);
        },
    });
}
