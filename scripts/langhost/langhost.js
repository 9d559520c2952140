// A Pulumi language host for Node.js programs, for machines where the Go host
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs) cannot be built: its Go module has no
// tags and the module proxy here refuses it. It implements the same LanguageRuntime gRPC service with the
// stubs that ship in @pulumi/pulumi, and runs programs exactly as the Go host does: `node
// <@pulumi/pulumi>/cmd/run` with the same flags and environment (PULUMI_CONFIG, PULUMI_NODEJS_*), so the
// program, the SDK and the engine are the real ones. Plugin discovery and dependency installation are
// left to the user (`npm install`); the engine already finds the dynamic-provider plugin on PATH. Node.js
// policy packs run through `RunPlugin` (policy-proxy.js).
//
// Like the Go host, it never outlives its engine: `Cancel` (the engine's answer to Ctrl-C) and a Run
// call the engine abandons send the program SIGINT, then SIGKILL after a grace period; and when the
// engine dies (engine-watch.js) or this process is told to stop, the program is stopped and we exit.
"use strict";
const path = require("path");
const { spawn } = require("child_process");
const { watchEngine } = require("./engine-watch");
const { runPolicyPack, packDirOf } = require("./policy-proxy");

// As the Go host's cmd.WaitDelay: how long a program has to end after SIGINT before it is killed.
const GRACE_MS = 5000;

// Flags as the CLI passes them: `-root=DIR`, `-tracing=ADDR`, `--flag value`; the engine address positional.
const flags = {};
const positionals = [];
for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) positionals.push(a);
    else if (m[2] !== undefined) flags[m[1]] = m[2];
    else if (i + 1 < process.argv.length && !process.argv[i + 1].startsWith("-")) flags[m[1]] = process.argv[++i];
    else flags[m[1]] = "true";
}
let engineAddress = positionals[0] || "";

function resolveSdk(fromDirs) {
    for (const dir of fromDirs.filter(Boolean)) {
        try {
            return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
        } catch { /* try the next */ }
    }
    return undefined;
}
const sdkDir = resolveSdk([process.cwd(), flags.root]);
if (!sdkDir) {
    console.error("pulumi-language-nodejs: @pulumi/pulumi is not installed here. Have you run `npm install`?");
    process.exit(1);
}
const sdkRequire = (p) => require(path.join(sdkDir, p));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] }));
const langproto = sdkRequire("proto/language_pb.js");
const langrpc = sdkRequire("proto/language_grpc_pb.js");
const plugproto = sdkRequire("proto/plugin_pb.js");
const emptyproto = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [sdkDir] }));
const sdkVersion = sdkRequire("package.json").version;

function runOptions(info) {
    const options = info && info.getOptions() ? info.getOptions().toJavaScript() : {};
    const env = {};
    env.PULUMI_NODEJS_TYPESCRIPT = String(options.typescript === undefined ? true : options.typescript);
    if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = String(options.tsconfig);
    if (options.transpileOnly !== undefined) env.PULUMI_NODEJS_TRANSPILE_ONLY = String(options.transpileOnly);
    const nodeargs = options.nodeargs ? String(options.nodeargs).split(/\s+/).filter(Boolean) : [];
    return { env, nodeargs };
}

function run(call, callback) {
    const req = call.request;
    const info = req.getInfo();
    const { env, nodeargs } = runOptions(info);
    const args = [...nodeargs, path.join(sdkDir, "cmd", "run")];
    const add = (k, v) => { if (v !== undefined && v !== "" && v !== null) args.push(`--${k}`, String(v)); };
    add("monitor", req.getMonitorAddress());
    add("engine", engineAddress);
    add("organization", req.getOrganization());
    add("project", req.getProject());
    add("stack", req.getStack());
    add("pwd", req.getPwd());
    add("root-directory", info && info.getRootDirectory());
    if (req.getDryrun()) args.push("--dry-run");
    add("parallel", req.getParallel());
    add("tracing", flags.tracing);
    args.push((info && info.getEntryPoint()) || req.getProgram() || ".");
    args.push(...req.getArgsList());

    const config = {};
    for (const [k, v] of req.getConfigMap().entries()) config[k] = v;
    const child = spawn(process.execPath, args, {
        cwd: req.getPwd() || process.cwd(),
        stdio: ["ignore", "inherit", "inherit"],
        env: {
            ...process.env,
            ...env,
            PULUMI_CONFIG: JSON.stringify(config),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
        },
    });
    programs.add(child);
    // The engine gave up on this Run (its context ended): the program must not go on without it.
    call.on("cancelled", () => stopProgram(child));
    child.on("error", (err) => {
        const resp = new langproto.RunResponse();
        resp.setError(`Problem executing program (could not run node): ${err.message}`);
        callback(null, resp);
    });
    child.on("exit", (code, signal) => {
        programs.delete(child);
        const resp = new langproto.RunResponse();
        if (code === 32) {
            // cmd/run's exit code for "an error was already reported to the engine".
            resp.setBail(true);
        } else if (code !== 0) {
            resp.setError(signal ? `Program exited on signal ${signal}` : `Program exited with non-zero exit code: ${code}`);
        }
        callback(null, resp);
    });
}

/**
 * `RunPlugin`: the engine starts a plugin written in Node.js through us. Policy packs (kind "analyzer",
 * `pulumi preview --policy-pack DIR`) are the one kind this project needs; see policy-proxy.js. Output
 * and the exit code go back on the call's stream, as the engine expects.
 */
function runPlugin(call) {
    const req = call.request;
    const send = (set) => { try { const r = new langproto.RunPluginResponse(); set(r); call.write(r); } catch { /* engine gone */ } };
    const finish = (code) => { send((r) => r.setExitcode(code)); call.end(); };
    if (req.getKind() !== "analyzer") {
        send((r) => r.setStderr(Buffer.from(`pulumi-language-nodejs (this project's, see scripts/langhost/README.md) runs only policy packs as plugins, not a plugin of kind "${req.getKind()}"\n`)));
        return finish(1);
    }
    const env = {};
    for (const kv of req.getEnvList()) {
        const i = kv.indexOf("=");
        if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    Object.assign(env, runOptions(req.getInfo()).env);
    let child;
    let resolveAbandoned;
    const abandoned = new Promise((r) => (resolveAbandoned = r));
    call.on("cancelled", () => { resolveAbandoned(); if (child) stopProgram(child); });
    runPolicyPack({
        grpc, sdkRequire, packDir: packDirOf(req.getInfo()), args: req.getArgsList(), env, abandoned,
        stdout: (b) => send((r) => r.setStdout(b)),
        stderr: (b) => send((r) => r.setStderr(b)),
        started: (c) => { child = c; programs.add(c); c.on("exit", () => programs.delete(c)); },
    }).then(finish, (err) => {
        send((r) => r.setStderr(Buffer.from(`pulumi-language-nodejs: could not run the policy pack: ${err.message}\n`)));
        finish(1);
    });
}

/** The programs we run, so that a cancel, the engine's death or our own end stops them. */
const programs = new Set();

/** SIGINT (the program's chance to end cleanly), then SIGKILL after GRACE_MS. Resolves when it exited. */
function stopProgram(child) {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try { child.kill("SIGINT"); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { child.kill("SIGKILL"); } catch { /* already gone */ } }, GRACE_MS);
    return exited.finally(() => clearTimeout(timer));
}

let exiting = false;
function stopAllAndExit(code, why) {
    if (exiting) return;
    exiting = true;
    if (why) { try { process.stderr.write(`pulumi-language-nodejs: ${why}\n`); } catch { /* engine gone */ } }
    Promise.all([...programs].map(stopProgram)).finally(() => process.exit(code));
}
// Our stdout and stderr are pipes to the engine: once it is gone, a write fails (EPIPE). That must not
// crash us before the program is stopped.
process.stdout.on("error", () => undefined);
process.stderr.on("error", () => undefined);
// The engine ends its plugins with SIGINT (then SIGKILL) to the process group; a user may send SIGTERM.
process.on("SIGINT", () => stopAllAndExit(0));
process.on("SIGTERM", () => stopAllAndExit(0));

const empty = (Type) => (_call, callback) => callback(null, new Type());
const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
server.addService(langrpc.LanguageRuntimeService, {
    handshake(call, callback) {
        engineAddress = call.request.getEngineAddress() || engineAddress;
        callback(null, new langproto.LanguageHandshakeResponse());
    },
    getRequiredPlugins: empty(langproto.GetRequiredPluginsResponse),
    getRequiredPackages: empty(langproto.GetRequiredPackagesResponse),
    run,
    runPlugin,
    getPluginInfo(_call, callback) {
        const resp = new plugproto.PluginInfo();
        resp.setVersion(sdkVersion);
        callback(null, resp);
    },
    installDependencies(call) { call.end(); },
    runtimeOptionsPrompts: empty(langproto.RuntimeOptionsResponse),
    about(_call, callback) {
        const resp = new langproto.AboutResponse();
        resp.setExecutable(process.execPath);
        resp.setVersion(process.version);
        callback(null, resp);
    },
    getProgramDependencies: empty(langproto.GetProgramDependenciesResponse),
    cancel(_call, callback) {
        for (const child of programs) stopProgram(child);
        callback(null, new emptyproto.Empty());
    },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
        console.error(`pulumi-language-nodejs: could not start the gRPC server: ${err.message}`);
        process.exit(1);
    }
    // The engine reads the port from our first line of output.
    process.stdout.write(`${port}\n`);
    watchEngine({ address: engineAddress, grpc, onGone: (reason) => stopAllAndExit(1, `exiting: ${reason}`) });
});
