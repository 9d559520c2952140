#!/usr/bin/env node
// heygen-emulator: run the local HeyGen v3 emulator.
import { parseArgs } from "util";
import { parseTransition, type Timing } from "./lifecycle";
import { DEFAULT_API_KEY, startEmulator } from "./server";

const USAGE = `Usage: heygen-emulator [options]

  --port N              port to listen on (default 4010; 0 picks a free one)
  --host H              address to bind (default 127.0.0.1)
  --data-dir D          keep state in D across restarts (default: in memory)
  --seed FILE           start with the account in FILE (written by \`pulumi-heygen export --snapshot\`;
                        ignored when --data-dir already holds state)
  --api-key K           an accepted API key; repeat for several (default: ${DEFAULT_API_KEY})
  --photo T             photo training: instant | <N>s | <N>r (reads)   (default 2s)
  --prompt T            prompt training                                  (default 3s)
  --digital-twin T      digital twin training, after consent            (default 4s)
  --create-ms N         processing time of a create request in ms        (default 0)
  --ignore-idempotency-keys
                        ignore Idempotency-Key, like a server that does not support it
  --verbose             log every request
  -h, --help            show this help

Prints the URL it listens on, then serves until interrupted. Control API: <URL>/_emulator/ (see README).`;

function fail(message: string): never {
    process.stderr.write(`heygen-emulator: ${message}\n\n${USAGE}\n`);
    process.exit(2);
}

async function main(): Promise<void> {
    let values;
    try {
        ({ values } = parseArgs({
            options: {
                port: { type: "string", default: "4010" },
                host: { type: "string", default: "127.0.0.1" },
                "data-dir": { type: "string" },
                seed: { type: "string" },
                "api-key": { type: "string", multiple: true },
                photo: { type: "string" },
                prompt: { type: "string" },
                "digital-twin": { type: "string" },
                "create-ms": { type: "string" },
                "ignore-idempotency-keys": { type: "boolean", default: false },
                verbose: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
        }));
    } catch (e) {
        fail((e as Error).message);
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port!) || port > 65535) fail(`--port must be a number from 0 to 65535, not '${values.port}'`);
    const timing: Partial<Timing> = {};
    for (const [flag, type] of [["photo", "photo"], ["prompt", "prompt"], ["digital-twin", "digital_twin"]] as const) {
        const v = values[flag];
        if (v === undefined) continue;
        try {
            timing[type] = parseTransition(v);
        } catch (e) {
            fail(`--${flag}: ${(e as Error).message}`);
        }
    }
    let createMs: number | undefined;
    if (values["create-ms"] !== undefined) {
        createMs = Number(values["create-ms"]);
        if (!(createMs >= 0)) fail(`--create-ms must be a number of milliseconds, not '${values["create-ms"]}'`);
    }

    let emulator;
    try {
        emulator = await startEmulator({
            port, host: values.host, dataDir: values["data-dir"], apiKeys: values["api-key"], timing, createMs, verbose: values.verbose,
            ignoreIdempotencyKeys: values["ignore-idempotency-keys"], seed: values.seed,
        });
    } catch (e) {
        process.stderr.write(`heygen-emulator: ${(e as Error).message}\n`);
        process.exit(1);
    }
    process.stdout.write(`HeyGen emulator listening on ${emulator.url}\n`);
    const stop = async () => {
        await emulator.stop();
        process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

void main();
