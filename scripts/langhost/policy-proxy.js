// Runs a Node.js policy pack for the language host's `RunPlugin` (kind "analyzer"), as Pulumi's Go host
// does (sdk/nodejs/cmd/pulumi-language-nodejs, RunPlugin, and sdk/policy_proxy.go), since v3.x starts a
// directory policy pack (`pulumi preview --policy-pack DIR`) through the language host of its runtime.
//
// Why a proxy: a policy reads the stack it runs for with `pulumi.getStack()`, from PULUMI_NODEJS_STACK
// (and the config from PULUMI_CONFIG), but the engine tells a pack its stack only over gRPC, with
// `ConfigureStack`, after the pack is running. So, as the Go host does, we first serve the Analyzer
// service ourselves: the engine connects to us, we answer `Handshake`, keep what `ConfigureStack` says,
// then start `node @pulumi/pulumi/cmd/run-policy-pack` with that in its environment, pass it the same
// `ConfigureStack`, and forward every other call to it unchanged.
"use strict";
const path = require("path");
const { spawn } = require("child_process");

/**
 * @param {object} o
 * @param {any} o.grpc            @grpc/grpc-js
 * @param {(p: string) => any} o.sdkRequire  loads a file of the language host's @pulumi/pulumi
 * @param {string} o.packDir      the policy pack's directory (holds PulumiPolicy.yaml)
 * @param {string[]} o.args       the engine's arguments (its address first)
 * @param {Record<string,string>} o.env  the environment the engine gives the pack
 * @param {(b: Buffer) => void} o.stdout @param {(b: Buffer) => void} o.stderr  to the engine
 * @param {(child: import("child_process").ChildProcess) => void} o.started  the pack's process, to stop it
 * @param {Promise<void>} o.abandoned  resolves when the engine gives up on the call
 * @returns {Promise<number>} the pack's exit code
 */
const ABANDONED = Symbol("abandoned");

async function runPolicyPack({ grpc, sdkRequire, packDir, args, env, stdout, stderr, started, abandoned }) {
    let runPath;
    try {
        runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    } catch {
        // The engine recognises this sentence and tells the user to install the pack's dependencies.
        stderr(Buffer.from(`Cannot find module '@pulumi/pulumi/cmd/run-policy-pack' from ${packDir}: run \`npm install\` there\n`));
        return 1;
    }
    const aproto = sdkRequire("proto/analyzer_pb.js");
    const arpc = sdkRequire("proto/analyzer_grpc_pb.js");

    let resolveConfig;
    const configured = new Promise((r) => (resolveConfig = r));
    let resolveClient, rejectClient;
    const clientReady = new Promise((res, rej) => { resolveClient = res; rejectClient = rej; });
    clientReady.catch(() => undefined);

    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    const handlers = {};
    for (const [name, def] of Object.entries(arpc.AnalyzerService)) {
        const method = name.charAt(0).toLowerCase() + name.slice(1);
        handlers[method] = (call, callback) => {
            // The engine may call something before ConfigureStack (`policy publish` does): no stack then.
            resolveConfig(null);
            clientReady.then(
                (client) => client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, call.request, callback),
                (err) => callback({ code: grpc.status.UNAVAILABLE, details: `policy pack not started: ${err.message}` }),
            );
        };
    }
    handlers.handshake = (_call, callback) => callback(null, new aproto.AnalyzerHandshakeResponse());
    handlers.configureStack = (call, callback) => {
        resolveConfig(call.request);
        callback(null, new aproto.AnalyzerStackConfigureResponse());
    };
    server.addService(arpc.AnalyzerService, handlers);
    const port = await new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    // The engine reads the analyzer's port from the plugin's first line of output: ours.
    stdout(Buffer.from(`${port}\n`));

    try {
        const config = await Promise.race([configured, abandoned.then(() => ABANDONED)]);
        if (config === ABANDONED) return 1;
        const packEnv = { ...env };
        if (config) {
            const set = (k, v) => { if (v !== undefined && v !== null && v !== "") packEnv[k] = String(v); };
            set("PULUMI_NODEJS_ORGANIZATION", config.getOrganization());
            set("PULUMI_NODEJS_PROJECT", config.getProject());
            set("PULUMI_NODEJS_STACK", config.getStack());
            set("PULUMI_NODEJS_DRY_RUN", String(config.getDryRun()));
            const cfg = {};
            for (const [k, v] of config.getConfigMap().entries()) cfg[k] = v;
            packEnv.PULUMI_CONFIG = JSON.stringify(cfg);
            packEnv.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(config.getConfigSecretKeysList());
        }
        // As the Go host: the engine's arguments, then the pack's directory last; run in that directory.
        const child = spawn(process.execPath, [runPath, ...args, packDir], { cwd: packDir, env: packEnv, stdio: ["ignore", "pipe", "pipe"] });
        started(child);
        child.stderr.on("data", (d) => stderr(d));
        const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
        child.on("error", (err) => rejectClient(err));

        // The pack's first line is its port; everything after goes to the engine as output.
        let buffered = "";
        let attached = false;
        child.stdout.on("data", (d) => {
            if (attached) return stdout(d);
            buffered += d.toString("utf8");
            const nl = buffered.indexOf("\n");
            if (nl < 0) return;
            attached = true;
            const first = buffered.slice(0, nl).trim();
            const rest = buffered.slice(nl + 1);
            if (rest) stdout(Buffer.from(rest));
            if (!/^\d+$/.test(first)) {
                stderr(Buffer.from(`${first}\n`));
                return rejectClient(new Error(`the policy pack printed "${first}" where its port was expected`));
            }
            const client = new grpc.Client(`127.0.0.1:${first}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
            if (!config) return resolveClient(client);
            const def = arpc.AnalyzerService.configureStack;
            client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, config, (err) => {
                // An older pack that lacks ConfigureStack is fine (the Go proxy accepts it too).
                if (err && err.code !== grpc.status.UNIMPLEMENTED) rejectClient(new Error(`policy pack configuration failed: ${err.message}`));
                else resolveClient(client);
            });
        });
        exited.then((code) => rejectClient(new Error(`the policy pack exited (code ${code})`)));
        return await exited;
    } finally {
        server.forceShutdown();
    }
}

module.exports = { runPolicyPack, packDirOf: (info) => path.resolve(info.getProgramDirectory() || info.getRootDirectory() || ".") };
