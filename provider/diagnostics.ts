// Warnings from the provider process to the engine, shown as `warning:` lines by `preview`, `up` and
// `refresh` (and as diagnostics in `--json`). The dynamic-provider host does not hand its engine connection
// to providers, but the engine passes its address as the host's first argument: the same address every
// plugin logs through. Outside a provider process (unit tests) a warning goes to stderr.
import * as path from "path";

let engine: { log(req: unknown, cb: (err: unknown) => void): void } | undefined | null;
let proto: { LogRequest: new () => any; LogSeverity: { WARNING: number } } | undefined;

/** The engine client, when this process is the dynamic-provider host the engine started. */
function engineClient() {
    if (engine !== undefined) return engine;
    engine = null;
    const [, script, addr] = process.argv;
    if (!script || !/dynamic-provider/.test(script) || !addr || !/^[\w.\-[\]:]+:\d+$/.test(addr)) return engine;
    try {
        const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk] }));
        const rpc = require(path.join(sdk, "proto", "engine_grpc_pb"));
        proto = require(path.join(sdk, "proto", "engine_pb"));
        engine = new rpc.EngineClient(addr, grpc.credentials.createInsecure());
    } catch {
        engine = null;
    }
    return engine;
}

/** Sends a warning to the engine (or stderr); never throws: a lost warning must not fail a preview. */
export async function warn(message: string): Promise<void> {
    const e = engineClient();
    if (!e || !proto) {
        console.error(`warning: ${message}`);
        return;
    }
    const req = new proto.LogRequest();
    req.setSeverity(proto.LogSeverity.WARNING);
    req.setMessage(message);
    await new Promise<void>((resolve) => e.log(req, (err) => {
        if (err) console.error(`warning: ${message}`);
        resolve();
    }));
}
