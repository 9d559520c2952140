// The exported project, pure: from what was read of an account to the files of a Pulumi TypeScript project
// that adopts every object (no source, so nothing can be made by mistake). The same account gives the same
// bytes: no dates, no order but the account's.
import type { ExportedAccount, ExportedGroup, ExportedLook } from "./model";
import { literal, uniqueNames } from "./naming";

export interface GenerateOptions {
    /** The pulumi-heygen version the project depends on (the running one). */
    version: string;
    /** How package.json names pulumi-heygen (default: `version`): a git URL or a tarball while it is not on the npm registry. */
    packageSpec?: string;
    /** The @pulumi/pulumi range it depends on. */
    pulumiRange: string;
    /** `{ retainOnDelete: true }` on every resource (default true). */
    retain?: boolean;
    /** The Pulumi project's name. */
    project?: string;
}

export type ProjectFiles = Record<string, string>;

const RESOURCE_OF: Record<ExportedLook["avatarType"], string | undefined> = { photo_avatar: "PhotoLook", digital_twin: "DigitalTwinLook", studio_avatar: undefined };
const FIRST_LOOK_TYPE: Record<ExportedLook["avatarType"], string | undefined> = { photo_avatar: "photo", digital_twin: "digital_twin", studio_avatar: undefined };

/** Why a look is written as a comment instead of a resource, if it is. */
export function notAdopted(look: ExportedLook): string | undefined {
    if (look.status === "failed") {
        return `it failed to train${look.error ? ` (${look.error.code}: ${look.error.message})` : ""}, and adopting a failed look fails \`pulumi up\`. ` +
            "Delete it in HeyGen, or declare it with its source and retrain it with `pulumi up --replace`";
    }
    if (!RESOURCE_OF[look.avatarType]) return `it is a ${look.avatarType}, which no resource of pulumi-heygen manages`;
    return undefined;
}

/** A status worth a word in the code (a sentence): anything but a finished, usable look. */
function statusNote(look: ExportedLook): string | undefined {
    if (look.status === "processing") return "Still training when exported: adopted without waiting for it (waitFor: \"created\").";
    if (look.status === "pending_consent") return "Waits for its subject's consent (a ConsentRequest for the group asks for it).";
    return undefined;
}

interface Planned {
    group: ExportedGroup;
    logical: string;
    variable: string;
    /** The group's first look fails adoption: the group is a comment, its looks take its id as a string. */
    groupNotAdopted?: string;
    looks: { look: ExportedLook; logical: string; variable: string }[];
}

/** Logical names for every group and look, in the account's order (groups each followed by their looks). */
export function plan(account: ExportedAccount): Planned[] {
    const items: { name: string; fallback: string }[] = [];
    for (const g of account.groups) {
        items.push({ name: g.name, fallback: "group" });
        for (const l of g.looks.slice(1)) items.push({ name: l.name, fallback: "look" });
    }
    const names = uniqueNames(items);
    let i = 0;
    return account.groups.map((group) => {
        const gn = names[i++];
        return {
            group, ...gn, groupNotAdopted: group.looks[0] && notAdopted(group.looks[0]),
            looks: group.looks.slice(1).map((look) => ({ look, ...names[i++] })),
        };
    });
}

const indent = (lines: string[], by = "    ") => lines.map((l) => (l ? by + l : l));
const commentOut = (lines: string[]) => lines.map((l) => `// ${l}`);

/** `new heygen.X("name", {\n    k: v,\n}, retain);` as lines. */
function resource(type: string, logical: string, variable: string | undefined, fields: [string, string][], retain: boolean): string[] {
    return [
        `${variable ? `const ${variable} = ` : ""}new heygen.${type}(${literal(logical)}, {`,
        ...indent(fields.map(([k, v]) => `${k}: ${v},`)),
        `}${retain ? ", retain" : ""});`,
    ];
}

function groupCode(p: Planned, retain: boolean): string[] {
    const g = p.group;
    const first = g.looks[0];
    const out: string[] = [];
    const title = `${literal(g.name)} (${g.id}): ${g.looks.length} look${g.looks.length === 1 ? "" : "s"}${g.consentStatus ? `, consent ${g.consentStatus}` : ""}`;
    out.push(`// ---- ${title} ----`);
    const fields: [string, string][] = [
        ["adoptGroupId", literal(g.id)],
        ["name", literal(g.name)],
        ["firstLook", `{ type: ${literal(FIRST_LOOK_TYPE[first.avatarType] ?? first.avatarType)}, name: ${literal(first.name)} }`],
    ];
    if (first.status === "processing") fields.push(["waitFor", literal("created")]);
    const notes = [
        `Its first look ${first.id}${first.avatarType === "photo_avatar" ? " (made from a photo or a prompt: HeyGen's answer does not say which)" : ""}.`,
        ...(statusNote(first) ? [`Its first look: ${statusNote(first)!.replace(/^./, (c) => c.toLowerCase())}`] : []),
    ];
    const code = resource("AvatarGroup", p.logical, p.variable, fields, retain);
    if (p.groupNotAdopted) {
        out.push(`// Not adopted: its first look ${first.id} ${literal(first.name)}: ${p.groupNotAdopted}. Its other looks name the group by id.`);
        out.push(...commentOut(code));
        out.push(`const ${p.variable} = { groupId: ${literal(g.id)} };`);
    } else {
        out.push(...notes.map((n) => `// ${n}`), ...code);
    }
    for (const l of p.looks) out.push(...lookCode(l.look, l.logical, p.variable, retain));
    return out;
}

function lookCode(look: ExportedLook, logical: string, groupVar: string, retain: boolean): string[] {
    const type = RESOURCE_OF[look.avatarType] ?? "PhotoLook";
    const fields: [string, string][] = [
        ["adoptLookId", literal(look.id)],
        ["groupId", `${groupVar}.groupId`],
        ["name", literal(look.name)],
    ];
    if (look.status === "processing") fields.push(["waitFor", literal("created")]);
    const code = resource(type, logical, undefined, fields, retain);
    const skipped = notAdopted(look);
    if (skipped) return [`// Not adopted: look ${look.id}: ${skipped}.`, ...commentOut(code)];
    const notes: string[] = [];
    if (look.avatarType === "photo_avatar") notes.push("A photo or prompt look (HeyGen's answer does not say which): declared as a PhotoLook.");
    const s = statusNote(look);
    if (s) notes.push(s);
    return [...notes.map((n) => `// ${n}`), ...code];
}

export function indexTs(account: ExportedAccount, opts: GenerateOptions): string {
    const retain = opts.retain ?? true;
    const planned = plan(account);
    const lookCount = account.groups.reduce((n, g) => n + g.looks.length, 0);
    const lines = [
        `// The HeyGen avatars of one account, exported by \`pulumi-heygen export\` (${opts.version}): ${account.groups.length} group${account.groups.length === 1 ? "" : "s"}, ${lookCount} look${lookCount === 1 ? "" : "s"}.`,
        "// Every resource adopts an object that exists (adoptGroupId, adoptLookId) and declares no source, so",
        "// `pulumi up` takes them under management and creates nothing; a resource that would have to be made",
        "// again fails at preview, naming the source to declare. See README.md.",
        `import * as heygen from "pulumi-heygen";`,
        "",
    ];
    if (retain) lines.push("// `pulumi destroy` leaves the avatars in HeyGen (remove this to let it delete them).", "const retain = { retainOnDelete: true };", "");
    for (const p of planned) lines.push(...groupCode(p, retain), "");
    return lines.join("\n");
}

/** Markdown text: no markup of its own, on one line. */
function md(text: string): string {
    return text.replace(/\r\n|\r|\n|\u2028|\u2029/g, " ⏎ ").replace(/([\\`*_[\]<>|#~!{}()])/g, "\\$1");
}

export function readme(account: ExportedAccount, opts: GenerateOptions): string {
    const planned = plan(account);
    const lines = [
        "# HeyGen avatars, exported",
        "",
        `Written by \`pulumi-heygen export\` (${opts.version}). Each group is an \`AvatarGroup\` with \`adoptGroupId\`,`,
        "each other look a `PhotoLook` or `DigitalTwinLook` with `adoptLookId`, with their exact names and no source:",
        "`pulumi up` takes them under management without creating anything" +
            (opts.retain ?? true ? ", and `pulumi destroy` leaves them in HeyGen (`retainOnDelete`)." : ". `pulumi destroy` deletes them in HeyGen."),
        "HeyGen's answer does not tell a look made from a prompt from one made from a photo: both are declared as `PhotoLook`.",
        "",
        "```sh",
        "npm install",
        "export HEYGEN_API_KEY=…   # the account's key (HEYGEN_API_BASE for another API address)",
        "pulumi stack init dev",
        "pulumi preview            # only adoptions",
        "pulumi up",
        "```",
        "",
        `package.json names pulumi-heygen ${md(opts.packageSpec ?? opts.version)}. While the package is not on the npm registry, install it`,
        "as you did where you ran the export (`npm install git+https://…#<tag>`, or a packed tarball), or export again with",
        "`--package <spec>`.",
        "",
        "A resource without its source cannot be made again: if its object is deleted in HeyGen (or a change would",
        "replace it), `preview` fails and names the input to declare (`image`, `prompt`, `footage`, `firstLook.…`).",
        "",
        "## What was exported",
        "",
    ];
    const noted: string[] = [];
    for (const p of planned) {
        const g = p.group;
        lines.push(`- group **${md(g.name)}** \`${g.id}\` (\`${p.logical}\`)${p.groupNotAdopted ? " — not adopted: its first look failed" : ""}`);
        p.group.looks.forEach((l, i) => {
            const logical = i === 0 ? `${p.logical}, first look` : p.looks[i - 1].logical;
            lines.push(`  - ${l.avatarType} **${md(l.name)}** \`${l.id}\` (\`${logical}\`): ${l.status ?? "no status"}`);
            const why = notAdopted(l);
            if (why) noted.push(`- \`${l.id}\` **${md(l.name)}**: not adopted (a comment in index.ts): ${md(why)}.`);
            else if (l.status !== "completed") noted.push(`- \`${l.id}\` **${md(l.name)}**: ${l.status}.`);
        });
    }
    if (account.groups.length === 0) lines.push("Nothing: the account holds no avatar groups of its own.");
    if (noted.length) lines.push("", "## Looks not ready when exported", "", ...noted);
    lines.push("");
    return lines.join("\n");
}

export function generateProject(account: ExportedAccount, opts: GenerateOptions): ProjectFiles {
    const project = opts.project ?? "heygen-account";
    return {
        "Pulumi.yaml": `name: ${project}\ndescription: HeyGen avatars exported by pulumi-heygen export\nruntime: nodejs\nmain: index.ts\n`,
        "package.json": JSON.stringify({
            name: project, private: true, main: "index.ts",
            dependencies: { "@pulumi/pulumi": opts.pulumiRange, "pulumi-heygen": opts.packageSpec ?? opts.version },
            devDependencies: { "@types/node": "^20", typescript: "^5" },
        }, null, 2) + "\n",
        "tsconfig.json": JSON.stringify({
            compilerOptions: { strict: true, target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true, skipLibCheck: true },
            files: ["index.ts"],
        }, null, 2) + "\n",
        "index.ts": indexTs(account, opts),
        "README.md": readme(account, opts),
    };
}
