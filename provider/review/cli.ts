#!/usr/bin/env node
// `pulumi-heygen review`: reads `pulumi preview --json` (a file, or standard input) and writes the review as
// Markdown (for a pull-request comment) and as a self-contained HTML page with the pictures. Exits 0 once
// both are written, a failed preview included (the report says it failed); 2 on a usage error.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

const USAGE = `Usage: pulumi-heygen review [PREVIEW_JSON | -] [options]

Reads \`pulumi preview --json\` (the file PREVIEW_JSON, or standard input) and writes a review of the
change to the HeyGen avatars: Markdown for a pull-request comment, and an HTML page with the pictures.

Options:
  --cwd DIR          the Pulumi project directory the preview ran in (local image paths are read
                     from it; default: the current directory)
  --markdown FILE    write the Markdown there (default: standard output)
  --html FILE        write the HTML page there (default: heygen-review.html)
  --title TEXT       the heading (default: "HeyGen avatars")
  --no-download      do not download the looks' current pictures (they are then described only)
  -h, --help         this text

Example:
  pulumi preview --json > preview.json; pulumi-heygen review preview.json --markdown review.md --html review.html`;

class UsageError extends Error {}

export async function main(argv: string[], io = { stdin: process.stdin as NodeJS.ReadableStream & { isTTY?: boolean }, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
    const [command, ...rest] = argv;
    if (command === "-h" || command === "--help" || command === undefined) {
        io.stdout.write(USAGE + "\n");
        return command === undefined ? 2 : 0;
    }
    if (command !== "review") {
        io.stderr.write(`pulumi-heygen: unknown command '${command}'. The one command is 'review'.\n\n${USAGE}\n`);
        return 2;
    }
    try {
        let args;
        try {
            args = parseArgs({
                args: rest, allowPositionals: true, strict: true,
                options: {
                    cwd: { type: "string" }, markdown: { type: "string" }, html: { type: "string" }, title: { type: "string" },
                    "no-download": { type: "boolean" }, help: { type: "boolean", short: "h" },
                },
            });
        } catch (e) {
            throw new UsageError(`${(e as Error).message}`);
        }
        if (args.values.help) {
            io.stdout.write(USAGE + "\n");
            return 0;
        }
        if (args.positionals.length > 1) throw new UsageError(`one preview file at most; got ${args.positionals.join(", ")}`);
        const projectDir = path.resolve(args.values.cwd ?? ".");
        if (!fs.existsSync(projectDir) || !fs.statSync(projectDir).isDirectory()) throw new UsageError(`--cwd ${args.values.cwd}: no such directory`);
        const input = args.positionals[0] ?? "-";
        if (input === "-" && io.stdin.isTTY) throw new UsageError("give the preview: a file written by `pulumi preview --json`, or pipe it in");
        const text = input === "-" ? await readAll(io.stdin) : readInput(input);
        // Loaded here, not at the top: `--help` and usage errors stay instant.
        const { makeReport, parsePreview } = await import("./report");
        const report = await makeReport(parsePreview(text), { projectDir, title: args.values.title, fetchCurrent: !args.values["no-download"] });
        const htmlFile = path.resolve(args.values.html ?? "heygen-review.html");
        fs.writeFileSync(htmlFile, report.html);
        if (args.values.markdown) fs.writeFileSync(path.resolve(args.values.markdown), report.markdown);
        else io.stdout.write(report.markdown);
        const s = report.stats;
        io.stderr.write(`pulumi-heygen review: ${report.review.failed ? "the preview FAILED; " : ""}wrote ${args.values.markdown ?? "the Markdown to standard output"} and ${htmlFile} ` +
            `(${s.pictures} pictures${s.leftOut ? `, ${s.leftOut} left out` : ""}, ${(report.html.length / 1048576).toFixed(2)} MB, ${s.ms} ms)\n`);
        return 0;
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr.write(`pulumi-heygen review: ${e.message}\n\n${USAGE}\n`);
            return 2;
        }
        io.stderr.write(`pulumi-heygen review: ${(e as Error).message ?? e}\n`);
        return 1;
    }
}

function readInput(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UsageError(code === "ENOENT" ? `${file}: no such file (write it with \`pulumi preview --json > ${file}\`)` : `${file} cannot be read (${code})`);
    }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(chunks).toString("utf8");
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
