// `pulumi-heygen export`: reads the private groups and looks of the account in HEYGEN_API_KEY and writes a
// Pulumi TypeScript project that adopts them all. Exits 0 once written, 1 when the account cannot be read
// or the project written, 2 on a usage error. The key never appears in what it writes or says.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

export const USAGE = `Usage: pulumi-heygen export --out DIR [--snapshot FILE] [options]

Reads every private avatar group and look of the HeyGen account whose key is in HEYGEN_API_KEY (at
HEYGEN_API_BASE, default https://api.heygen.com) and writes a Pulumi TypeScript project into DIR that
adopts them: Pulumi.yaml, package.json, tsconfig.json, index.ts and a README.md of what was exported.

Options:
  --out DIR          where to write the project (an empty or new directory)
  --snapshot FILE    also (or, without --out, only) write the account as data: ids, names, types and
                     statuses, no key and no consent link; \`heygen-emulator --seed FILE\` starts with it
  --group ID         export only this group (repeat for several; default: every private group)
  --force            write into DIR even if it is not empty (the five files are overwritten), and
                     over an existing snapshot FILE
  --no-retain        leave out retainOnDelete (then \`pulumi destroy\` deletes the avatars in HeyGen)
  --project NAME     the Pulumi project's name (default: heygen-account)
  --package SPEC     how package.json names pulumi-heygen (default: this version); while it is not
                     on the npm registry, a git URL (git+https://…#tag) or a tarball's path
  -h, --help         this text

Example:
  HEYGEN_API_KEY=… npx pulumi-heygen export --out heygen-avatars && cd heygen-avatars && npm install && pulumi preview`;

class UsageError extends Error {}

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv };

/** `argv` without the command's name. */
export async function exportMain(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
    try {
        let args;
        try {
            args = parseArgs({
                args: argv, allowPositionals: false, strict: true,
                options: {
                    out: { type: "string" }, snapshot: { type: "string" }, group: { type: "string", multiple: true }, force: { type: "boolean" },
                    "no-retain": { type: "boolean" }, project: { type: "string" }, package: { type: "string" }, help: { type: "boolean", short: "h" },
                },
            });
        } catch (e) {
            throw new UsageError((e as Error).message);
        }
        if (args.values.help) {
            io.stdout.write(USAGE + "\n");
            return 0;
        }
        const out = args.values.out;
        const snapshotFile = args.values.snapshot && path.resolve(args.values.snapshot);
        if (!out && !snapshotFile) throw new UsageError("--out DIR is required (the directory to write the project into), or --snapshot FILE");
        const project = args.values.project ?? "heygen-account";
        if (!/^[A-Za-z0-9_.-]+$/.test(project)) throw new UsageError(`--project ${project}: a Pulumi project name takes only letters, digits, '_', '.' and '-'`);
        const outDir = out ? path.resolve(out) : undefined;
        if (outDir) checkOutDir(outDir, !!args.values.force);
        if (snapshotFile && fs.existsSync(snapshotFile) && !args.values.force) {
            throw new Error(`--snapshot ${snapshotFile} exists: choose another file, or pass --force to overwrite it`);
        }
        const apiKey = io.env.HEYGEN_API_KEY;
        if (!apiKey) throw new Error("HEYGEN_API_KEY is not set: export the key of the account to read (HeyGen → Settings → API)");

        const started = Date.now();
        const { HeyGenClient, AuthenticationError, PermissionDeniedError, ConnectionError } = await import("../client");
        const { readAccount } = await import("./read");
        const { generateProject } = await import("./generate");
        const self = ownPackage();
        const api = new HeyGenClient({ apiKey, baseUrl: io.env.HEYGEN_API_BASE || undefined, userAgent: `pulumi-heygen/${self.version} export`, retry: { maxRetries: 3 } });
        let account;
        try {
            await api.me();
            account = await readAccount(api, { groupIds: args.values.group });
        } catch (e) {
            if (e instanceof AuthenticationError || e instanceof PermissionDeniedError) {
                throw new Error(`HeyGen rejected the API key in HEYGEN_API_KEY (${e.status}) at ${api.baseUrl}: check the key, and HEYGEN_API_BASE if it is set`);
            }
            if (e instanceof ConnectionError) throw new Error(`cannot reach the HeyGen API at ${api.baseUrl} (${e.code ?? e.message}): check HEYGEN_API_BASE and the network`);
            throw e;
        }
        const written: string[] = [];
        if (outDir) {
            const files = generateProject(account, { version: self.version, pulumiRange: self.pulumiRange, retain: !args.values["no-retain"], project, packageSpec: args.values.package });
            fs.mkdirSync(outDir, { recursive: true });
            for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(outDir, name), text);
            written.push(outDir);
        }
        if (snapshotFile) {
            const { snapshotText } = await import("./snapshot");
            fs.mkdirSync(path.dirname(snapshotFile), { recursive: true });
            fs.writeFileSync(snapshotFile, snapshotText(account));
            written.push(snapshotFile);
        }
        const looks = account.groups.reduce((n, g) => n + g.looks.length, 0);
        io.stderr.write(`pulumi-heygen export: wrote ${written.join(" and ")} (${plural(account.groups.length, "group")}, ${plural(looks, "look")}, ${Date.now() - started} ms)` +
            `${out ? `. Next: cd ${out} && npm install && pulumi preview` : ""}\n`);
        return 0;
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr.write(`pulumi-heygen export: ${e.message}\n\n${USAGE}\n`);
            return 2;
        }
        io.stderr.write(`pulumi-heygen export: ${(e as Error).message ?? e}\n`);
        return 1;
    }
}

/** A directory that does not exist, or is empty, or `force`; a file, or a non-empty directory without it, is refused. */
function checkOutDir(dir: string, force: boolean): void {
    if (!fs.existsSync(dir)) return;
    if (!fs.statSync(dir).isDirectory()) throw new Error(`--out ${dir} is a file, not a directory`);
    const entries = fs.readdirSync(dir);
    if (entries.length && !force) {
        throw new Error(`--out ${dir} is not empty (${entries.length} entr${entries.length === 1 ? "y" : "ies"}): choose a new directory, or pass --force to overwrite Pulumi.yaml, package.json, tsconfig.json, index.ts and README.md there`);
    }
}

/** This package's version and the @pulumi/pulumi range it works with, from its package.json. */
function ownPackage(): { version: string; pulumiRange: string } {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
            if (pkg.name === "pulumi-heygen") return { version: pkg.version, pulumiRange: pkg.peerDependencies?.["@pulumi/pulumi"] ?? "^3" };
        }
        if (path.dirname(dir) === dir) throw new Error("pulumi-heygen's package.json was not found beside the command");
    }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
