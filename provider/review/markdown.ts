// The review as Markdown for a pull-request comment. GitHub refuses a comment over 65,536 characters, so
// past that a plain summary (counts, cost, the ids that change) stands in, pointing to the HTML page.
import { type Change, type FileRef, type Review, type Row, CHANGES } from "./model";

export const COMMENT_LIMIT = 65_536;

/** The first line of the comment: CI finds its earlier comment by it, to update rather than add one. */
export const MARKER = "<!-- pulumi-heygen review -->";

const VERB: Record<Change, string> = { create: "create", adopt: "adopt", rename: "rename", update: "update", replace: "replace", delete: "delete" };
const ICON: Record<Change, string> = { create: "🟢", adopt: "📥", rename: "✏️", update: "🔵", replace: "🔁", delete: "🗑️" };
const KIND: Record<Row["kind"], string> = { AvatarGroup: "group + first look", PhotoLook: "photo look", PromptLook: "prompt look", DigitalTwinLook: "digital twin", ConsentRequest: "consent request" };

/** Text safe inside a table cell (and outside one): no pipes, no line breaks, no HTML. */
export function cell(text: string, max = 300): string {
    const flat = text.replace(/\s+/g, " ").trim();
    const cut = Array.from(flat).length > max ? `${Array.from(flat).slice(0, max - 1).join("")}…` : flat;
    return cut.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/([*_`[\]~])/g, "\\$1");
}

/** An inline code span holding any text (a backtick inside gets a longer fence). */
export function code(text: string): string {
    const flat = text.replace(/\s+/g, " ").replace(/\|/g, "¦");
    const fence = flat.includes("`") ? "``" : "`";
    return `${fence}${fence.length > 1 ? " " : ""}${flat}${fence.length > 1 ? " " : ""}${fence}`;
}

export function fileText(f: FileRef | undefined): string {
    if (!f) return "";
    switch (f.kind) {
        case "path": return `${code(f.path)}${f.sha256 ? ` (sha256 ${code(f.sha256.slice(0, 12))}…)` : ""}`;
        case "url": return code(f.url);
        case "asset": return `asset ${code(f.assetId)}`;
        case "inline": return `inline bytes${f.sha256 ? `, sha256 ${code(f.sha256.slice(0, 12))}…` : ""}`;
        case "unknown": return "known at `up`";
    }
}

/** A diagnostic's text without the severity the engine repeats at its start. */
export const message = (d: { message: string; severity: string }) => d.message.replace(/^\s*(error|warning):\s*/i, "").trim();

export function summaryLine(r: Review): string {
    const parts = CHANGES.filter((c) => r.counts[c] > 0).map((c) => `${r.counts[c]} to ${VERB[c]}`);
    const plain = r.plain.length ? [`${r.plain.length} other resource${r.plain.length === 1 ? "" : "s"}`] : [];
    const planned = [...parts, ...plain].join(", ");
    if (r.failed) return `the preview failed${planned ? ` (planned before it stopped: ${planned})` : ""}`;
    return planned || "no changes to avatars";
}

export function costLine(r: Review): string {
    return r.trainings === 0
        ? "**Cost:** no training is started."
        : `**Cost:** ${r.trainings} training${r.trainings === 1 ? "" : "s"} started (each costs HeyGen credits).`;
}

/** Every id that stops working, one line each. */
export function breakLines(r: Review): string[] {
    return r.groups.flatMap((g) => g.rows.flatMap((row) => row.breaks.map((b) =>
        b.what === "avatar_id"
            ? `- videos using \`avatar_id\` ${code(b.id)} (${cell(row.name, 80)}) must be updated: the look is ${b.why}`
            : `- the group id ${code(b.id)} (${cell(g.name, 80)}) changes: it is ${b.why}; programs and lookups that hold it must be updated`)));
}

function changeCell(row: Row): string {
    const what = `${ICON[row.change]} ${VERB[row.change]}`;
    return row.rename ? `${what}<br>${cell(row.rename.from, 80)} → ${cell(row.rename.to, 80)}` : what;
}

function detailCell(row: Row): string {
    const bits: string[] = [];
    if (row.reasons.length && row.change !== "create" && row.change !== "delete") bits.push(`changed: ${row.reasons.map(code).join(", ")}`);
    if (row.image) bits.push(`image ${fileText(row.image)}`);
    if (row.footage) bits.push(`footage ${fileText(row.footage)}`);
    if (row.referenceImages?.length) bits.push(`reference images ${row.referenceImages.map(fileText).join(", ")}`);
    if (row.prompt) {
        const { old, new: next } = row.prompt;
        if (old !== undefined && next !== undefined && old !== next) bits.push(`prompt ~~${cell(old, 120)}~~ → ${cell(next, 120)}`);
        else if (next ?? old) bits.push(`prompt “${cell((next ?? old)!, 120)}”`);
    }
    for (const b of row.breaks) bits.push(`**breaks ${b.what === "avatar_id" ? "`avatar_id`" : "group id"} ${code(b.id)}**`);
    bits.push(...row.notes.map((n) => cell(n).replace(/\\`/g, "`")));
    for (const d of row.diagnostics) bits.push(`**${d.severity}:** ${cell(message(d), 500)}`);
    return bits.join("<br>");
}

export function renderMarkdown(r: Review, opts: { title?: string; htmlNote?: string } = {}): string {
    const out: string[] = [MARKER, `### ${opts.title ?? "HeyGen avatars"}: ${summaryLine(r)}`, ""];
    if (r.failed) out.push("> [!CAUTION]", "> **The preview failed**: `pulumi up` would stop at the errors below. What is listed is what was planned before they stopped it.", "");
    out.push(costLine(r));
    const breaks = breakLines(r);
    out.push(breaks.length ? `**Breaks:** ${breaks.length} id${breaks.length === 1 ? "" : "s"} change${breaks.length === 1 ? "s" : ""}:` : "**Breaks:** no id changes.");
    out.push(...breaks, "");
    for (const g of r.groups) {
        out.push(`#### ${g.name.startsWith("group `") ? g.name : cell(g.name, 120)}${g.id ? ` (group ${code(g.id)})` : ""}`, "", "| change | look | kind | details | trainings |", "|---|---|---|---|---|");
        for (const row of g.rows) out.push(`| ${changeCell(row)} | ${cell(row.name, 120)} (${code(row.resource)}) | ${KIND[row.kind]} | ${detailCell(row)} | ${row.trainings || ""} |`);
        out.push("");
    }
    if (r.plain.length) {
        out.push("#### Other resources", "", "| change | type | name | |", "|---|---|---|---|");
        for (const p of r.plain) out.push(`| ${cell(p.op)} | ${code(p.type)} | ${code(p.resource)} | ${p.diagnostics.map((d) => `**${d.severity}:** ${cell(message(d), 500)}`).join("<br>")} |`);
        out.push("");
    }
    const diags = r.diagnostics.filter((d) => d.severity === "error" || d.severity === "warning");
    if (diags.length) {
        out.push("#### Errors and warnings", "");
        for (const d of diags) out.push(`- **${d.severity}**${d.urn ? ` (${code(d.urn.split("::").pop()!)})` : ""}: ${cell(message(d), 1500)}`);
        out.push("");
    }
    out.push(`${r.unchanged} unchanged.${opts.htmlNote ? ` ${opts.htmlNote}` : ""}`);
    const full = out.join("\n") + "\n";
    return full.length < COMMENT_LIMIT ? full : renderPlain(r, opts);
}

/** The fallback past GitHub's limit: the totals and the ids that change, cut to fit. */
export function renderPlain(r: Review, opts: { title?: string; htmlNote?: string } = {}): string {
    const out: string[] = [MARKER, `### ${opts.title ?? "HeyGen avatars"}: ${summaryLine(r)}`, ""];
    out.push("The full review is too long for a comment: this is its summary. " + (opts.htmlNote ?? "The HTML page has every row."), "");
    if (r.failed) out.push("**The preview failed**: see its errors in the CI log.", "");
    out.push(costLine(r), "");
    out.push("| group | " + CHANGES.join(" | ") + " |", "|---|" + CHANGES.map(() => "---:").join("|") + "|");
    // A few hundred groups at most here (each row is some 100 characters), the rest counted.
    const shownGroups = r.groups.slice(0, 200);
    for (const g of shownGroups) out.push(`| ${g.name.startsWith("group `") ? g.name : cell(g.name, 80)} | ${CHANGES.map((c) => g.rows.filter((x) => x.change === c).length || "").join(" | ")} |`);
    if (r.groups.length > shownGroups.length) out.push(`| … and ${r.groups.length - shownGroups.length} more groups | ${CHANGES.map(() => "").join(" | ")} |`);
    out.push("");
    const breaks = breakLines(r);
    out.push(breaks.length ? `**Breaks:** ${breaks.length} ids change:` : "**Breaks:** no id changes.");
    const tail = `\n${r.unchanged} unchanged.\n`;
    let text = out.join("\n") + "\n";
    for (let i = 0; i < breaks.length; i++) {
        const more = `- … and ${breaks.length - i} more (all in the HTML page)\n`;
        if (text.length + breaks[i].length + 1 + more.length + tail.length >= COMMENT_LIMIT - 200) {
            text += more;
            break;
        }
        text += breaks[i] + "\n";
    }
    return text + tail;
}
