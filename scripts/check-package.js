// `npm run check:package [-- --pulumi VERSION]`: installs the packed provider as a user does — the tarball
// `npm pack` makes, into an empty project beside @pulumi/pulumi — and checks what the user gets:
//   - no HTTP server framework (fastify, @fastify/*, pino) and no TypeBox in `npm ls --all`;
//   - one @pulumi/pulumi (the project's), and `npm ls` reports no invalid peer;
//   - the tarball: LICENSE, no emulator, source maps carrying their sources;
//   - `exports`: the package, `pulumi-heygen/policy` and the serialized providers' permanent paths load;
//     internals do not; the tarball has the policy pack (policy-pack/);
//   - a program using the resources and the client's types, and tests/types, compile with skipLibCheck off;
//   - the `pulumi-heygen review` command runs, and the provider alone loads none of its picture libraries;
//   - the size of what pulumi-heygen adds to a project that already has the SDK.
// Packs the current build (run `npm run build` first). Needs the npm registry; works in a scratch
// directory under the system's temp dir, never touching the repository's node_modules or lockfile.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { parseArgs } = require("util");

const repo = path.resolve(__dirname, "..");
const pkg = require(path.join(repo, "package.json"));
const { values: args } = parseArgs({ options: { pulumi: { type: "string", default: pkg.devDependencies["@pulumi/pulumi"] }, keep: { type: "boolean", default: false } } });
// Outside the repository: inside it, Node and tsc would find what the package forgot in the repository's
// own node_modules (TypeBox, fastify) and the checks would pass for the wrong reason.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-heygen-check-package-"));
const failures = [];
const check = (ok, what) => {
    console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures.push(what);
};
const run = (cmd, argv, opts = {}) => execFileSync(cmd, argv, { cwd: scratch, encoding: "utf8", stdio: ["ignore", "pipe", opts.inherit ? "inherit" : "pipe"], ...opts });
const npm = (argv, opts) => run("npm", [...argv, "--no-audit", "--no-fund", "--loglevel=error"], opts);

function du(dir) {
    let bytes = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) bytes += du(p);
        else if (e.isFile()) bytes += fs.statSync(p).size;
    }
    return bytes;
}
const packages = (dir) => new Set(run("npm", ["ls", "--all", "--parseable"], { cwd: dir }).trim().split("\n").slice(1)).size;
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

try {
    console.log(`== npm pack (node ${process.version}, @pulumi/pulumi ${args.pulumi}) in ${scratch}`);
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], { cwd: repo, encoding: "utf8" }))[0];
    const tarball = path.join(scratch, packed.filename);
    const files = packed.files.map((f) => f.path);
    check(files.includes("LICENSE"), "the tarball has LICENSE");
    check(!files.some((f) => f.startsWith("dist/emulator") || f.startsWith("emulator/")), "the tarball has no emulator");
    check(!files.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), "the tarball has no TypeScript sources (maps carry them)");
    check(!files.includes("dist/api/schema.js"), "the tarball has no compiled TypeBox schemas");
    check(files.includes("dist/provider/serialized/photoLook.js"), "the tarball has the serialized providers");
    console.log(`     ${files.length} files, ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked`);

    // The project a user has before adding pulumi-heygen: the SDK alone. Then the tarball.
    const user = path.join(scratch, "project");
    fs.mkdirSync(user);
    fs.writeFileSync(path.join(user, "package.json"), JSON.stringify({ name: "user-project", version: "1.0.0", private: true }, null, 2));
    npm(["install", `@pulumi/pulumi@${args.pulumi}`, "typescript@5", "@types/node@20"], { cwd: user });
    const sdkOnly = { bytes: du(path.join(user, "node_modules")), count: packages(user) };
    npm(["install", tarball], { cwd: user });
    const withProvider = { bytes: du(path.join(user, "node_modules")), count: packages(user) };

    const tree = run("npm", ["ls", "--all", "--parseable"], { cwd: user }).trim().split("\n");
    const names = tree.map((p) => path.relative(path.join(user, "node_modules"), p).split(path.sep + "node_modules" + path.sep).pop());
    const banned = names.filter((n) => /^(fastify|@fastify\/|pino|@sinclair\/typebox|heygen-emulator)/.test(n));
    check(banned.length === 0, `no HTTP server framework or TypeBox in npm ls --all${banned.length ? `: ${[...new Set(banned)].join(", ")}` : ""}`);
    const sdks = tree.filter((p) => p.endsWith(`${path.sep}@pulumi${path.sep}pulumi`));
    check(sdks.length === 1, `one @pulumi/pulumi (found ${sdks.length})`);
    let lsOk = true;
    try {
        run("npm", ["ls", "--all"], { cwd: user });
    } catch {
        lsOk = false;
    }
    check(lsOk, "npm ls --all reports no missing or invalid dependency (the peer range accepts the SDK)");

    // exports: what users import and the paths written into state load; internals are closed.
    const load = (spec) => {
        try {
            run(process.execPath, ["-e", `require(${JSON.stringify(spec)})`], { cwd: user });
            return "ok";
        } catch (e) {
            return /ERR_PACKAGE_PATH_NOT_EXPORTED/.test(e.stderr) ? "not exported" : `failed: ${e.stderr.split("\n").find((l) => /Error/.test(l))}`;
        }
    };
    check(load("pulumi-heygen") === "ok", "require(\"pulumi-heygen\") loads");
    for (const kind of ["avatarGroup", "photoLook", "promptLook", "digitalTwinLook", "consentRequest"]) {
        const spec = `pulumi-heygen/dist/provider/serialized/${kind}.js`;
        const r = load(spec);
        check(r === "ok", `require("${spec}") (written into state) loads${r === "ok" ? "" : `: ${r}`}`);
    }
    check(load("pulumi-heygen/dist/provider/sources.js") === "not exported", "internal modules are not exported");
    // The review command: installed as a bin; its picture libraries load in the command, never with the provider.
    const loaded = run(process.execPath, ["-e", `require("pulumi-heygen"); console.log(Object.keys(require.cache).filter((f) => /node_modules[\\\\/](pngjs|jpeg-js)[\\\\/]/.test(f)).length)`], { cwd: user }).trim();
    check(loaded === "0", `require("pulumi-heygen") loads no picture library (pngjs, jpeg-js)${loaded === "0" ? "" : `: ${loaded} files`}`);
    fs.writeFileSync(path.join(user, "preview.json"), JSON.stringify({ steps: [{ op: "create", urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/heygen:PhotoLook::a", newState: { inputs: { name: "A", groupId: "G", image: { path: "a.png" } } } }] }));
    fs.writeFileSync(path.join(user, "a.png"), Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4AWM4c+bMfwAIMANkdsI9aQAAAABJRU5ErkJggg==", "base64"));
    let reviewOk = false;
    try {
        run(path.join(user, "node_modules", ".bin", "pulumi-heygen"), ["review", "preview.json", "--markdown", "review.md", "--html", "review.html"], { cwd: user });
        reviewOk = /1 to create/.test(fs.readFileSync(path.join(user, "review.md"), "utf8")) && /data:image\/jpeg;base64,/.test(fs.readFileSync(path.join(user, "review.html"), "utf8"));
    } catch (e) {
        console.log(e.stderr);
    }
    check(reviewOk, "`pulumi-heygen review` (the installed bin) runs in the project and embeds a thumbnail");
    // The policy pack: its entry loads without @pulumi/policy (an optional peer, needed only to run a pack).
    const policyLoad = load("pulumi-heygen/policy");
    check(policyLoad === "ok", `require("pulumi-heygen/policy") loads without @pulumi/policy installed${policyLoad === "ok" ? "" : `: ${policyLoad}`}`);
    check(["PulumiPolicy.yaml", "index.js", "package.json"].every((f) => files.includes(`policy-pack/${f}`)), "the tarball has the policy pack (policy-pack/)");
    let exportHelp = "";
    try {
        exportHelp = run(path.join(user, "node_modules", ".bin", "pulumi-heygen"), ["export", "--help"], { cwd: user });
    } catch (e) {
        console.log(e.stderr);
    }
    check(/^Usage: pulumi-heygen export --out DIR/.test(exportHelp), "`pulumi-heygen export --help` (the installed bin) runs in the project");
    const map = JSON.parse(fs.readFileSync(path.join(user, "node_modules", "pulumi-heygen", "dist", "provider", "index.js.map"), "utf8"));
    check(Array.isArray(map.sourcesContent) && map.sourcesContent.every((s) => typeof s === "string" && s.length > 0), "source maps carry their sources");

    // The types, as a user's compiler sees them: no TypeBox to find, nothing skipped.
    fs.writeFileSync(path.join(user, "index.ts"), `import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";
const group = new heygen.AvatarGroup("g", { name: "G", firstLook: { type: "photo", image: { url: "https://example.com/a.png" } } });
const look = new heygen.PhotoLook("l", { groupId: group.groupId, name: "L", image: { path: "./a.png" } });
export const id: pulumi.Output<string> = look.lookId;
async function useClient(c: heygen.client.HeyGenClient): Promise<string> {
    const g = await c.getGroup("id");
    return g.name + (g.consent_status ?? "");
}
void useClient;
`);
    // The repository's type tests (lines that must compile, and `@ts-expect-error` lines that must not).
    fs.copyFileSync(path.join(repo, "tests", "types", "package.types.ts"), path.join(user, "package.types.ts"));
    fs.writeFileSync(path.join(user, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, types: ["node"] }, files: ["index.ts", "package.types.ts"] }));
    let tscOut = "";
    try {
        run(path.join(user, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: user });
    } catch (e) {
        tscOut = (e.stdout || "") + (e.stderr || "");
    }
    const ours = tscOut.split("\n").filter((l) => /pulumi-heygen|index\.ts|package\.types\.ts/.test(l));
    check(ours.length === 0, `a user program and the type tests (tests/types) compile with skipLibCheck off${ours.length ? `:\n${ours.join("\n")}` : ""}`);
    if (tscOut && !ours.length) console.log(`     (the compiler reported errors outside pulumi-heygen, in the SDK's own types:)\n${tscOut.split("\n").slice(0, 5).join("\n")}`);

    console.log(`\n== size: the SDK alone ${sdkOnly.count} packages, ${mb(sdkOnly.bytes)}; with pulumi-heygen ${withProvider.count} packages, ${mb(withProvider.bytes)}` +
        ` (pulumi-heygen adds ${withProvider.count - sdkOnly.count} packages, ${mb(withProvider.bytes - sdkOnly.bytes)})`);
} finally {
    if (!args.keep) fs.rmSync(scratch, { recursive: true, force: true });
}
if (failures.length) {
    console.error(`\ncheck-package: ${failures.length} check(s) failed`);
    process.exit(1);
}
console.log("\ncheck-package: the packed provider installs as a user needs it");
