// The review as one self-contained HTML page: per group, a row per change with the pictures side by side
// (the look's current picture, then the new one), the prompt with its change marked, and the same cost and
// breakage lines as the Markdown. Pictures are embedded thumbnails (data: URIs); nothing is loaded from
// elsewhere, so the page can be kept as a CI artifact and opened later.
import { type FileRef, type Review, type Row, diffWords } from "./model";
import { breakLines, costLine, message, summaryLine } from "./markdown";
import type { Picture } from "./pictures";

/** The pictures found for a row (by the glue, which reads files and downloads). */
export interface RowPictures {
    current?: Picture;
    next?: Picture;
    references?: Picture[];
}

export const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Markdown's `code` and **bold**, as the shared summary lines use them, in HTML. */
const inline = (md: string) => esc(md).replace(/``? ?([^`]+?) ?``?/g, "<code>$1</code>").replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/\\([\\|*_`[\]~])/g, "$1");

const LABEL: Record<Row["change"], string> = { create: "create", adopt: "adopt", rename: "rename", update: "update", replace: "replace", delete: "delete" };
const KIND: Record<Row["kind"], string> = { AvatarGroup: "group and first look", PhotoLook: "photo look", PromptLook: "prompt look", DigitalTwinLook: "digital twin", ConsentRequest: "consent request" };

function figure(p: Picture | undefined, caption: string, cls: string): string {
    if (!p) return "";
    if (!p.ok) return `<figure class="${cls} missing"><div class="nopic">${esc(p.line)}</div><figcaption>${esc(caption)}</figcaption></figure>`;
    return `<figure class="${cls}"><img src="${p.dataUri}" width="${p.width}" height="${p.height}" alt="${esc(caption)}">` +
        `<figcaption>${esc(caption)} <span class="dim">${p.sourceWidth}×${p.sourceHeight}</span>${p.note ? `<br><span class="warn">${esc(p.note)}</span>` : ""}</figcaption></figure>`;
}

function fileLabel(f: FileRef | undefined): string {
    if (!f) return "";
    switch (f.kind) {
        case "path": return `<code>${esc(f.path)}</code>${f.sha256 ? ` <span class="dim">sha256 ${esc(f.sha256.slice(0, 12))}…</span>` : ""}`;
        case "url": return /^https?:\/\//i.test(f.url) ? `<a href="${esc(f.url)}">${esc(f.url)}</a>` : `<code>${esc(f.url)}</code>`;
        case "asset": return `asset <code>${esc(f.assetId)}</code>`;
        case "inline": return `inline bytes${f.sha256 ? `, sha256 <code>${esc(f.sha256.slice(0, 12))}…</code>` : ""} (not kept anywhere the review can read)`;
        case "unknown": return "known at <code>up</code>";
    }
}

function promptHtml(p: NonNullable<Row["prompt"]>): string {
    if (p.old !== undefined && p.new !== undefined && p.old !== p.new) {
        const parts = diffWords(p.old, p.new).map((d) => (d.op === "same" ? esc(d.text) : d.op === "del" ? `<del>${esc(d.text)}</del>` : `<ins>${esc(d.text)}</ins>`));
        return `<div class="prompt changed"><span class="dim">prompt (changed):</span> ${parts.join("")}</div>`;
    }
    return `<div class="prompt"><span class="dim">prompt:</span> ${esc(p.new ?? p.old ?? "")}</div>`;
}

function rowHtml(row: Row, pics: RowPictures | undefined): string {
    const title = row.rename ? `${esc(row.rename.from)} <span class="arrow">→</span> ${esc(row.rename.to)}` : esc(row.name);
    const pictures: string[] = [];
    const showCurrent = row.change !== "create" && row.change !== "adopt";
    if (showCurrent) {
        const caption = row.change === "delete" ? "current picture (goes)" : row.change === "replace" ? "current picture (replaced)" : "current picture";
        pictures.push(figure(pics?.current ?? { ok: false, line: row.currentImageUrl ? "not shown" : "no picture in state (not trained yet, or not a look)" }, caption, "old"));
    }
    if (pics?.next) pictures.push((showCurrent ? `<div class="arrow big">→</div>` : "") + figure(pics.next, row.change === "replace" ? "new picture" : "picture", "new"));
    (pics?.references ?? []).forEach((p, i) => pictures.push(figure(p, `reference image ${i + 1}`, "ref")));
    const facts: string[] = [];
    if (row.reasons.length && row.change !== "create" && row.change !== "delete") facts.push(`changed: ${row.reasons.map((r) => `<code>${esc(r)}</code>`).join(", ")}`);
    if (row.image) facts.push(`image: ${fileLabel(row.image)}`);
    if (row.footage) facts.push(`footage: ${fileLabel(row.footage)}`);
    if (row.referenceImages?.length) facts.push(`reference images: ${row.referenceImages.map(fileLabel).join(", ")}`);
    if (row.trainings) facts.push(`<strong>${row.trainings} training${row.trainings === 1 ? "" : "s"}</strong> started (credits)`);
    for (const b of row.breaks) facts.push(`<strong class="breaks">breaks ${b.what === "avatar_id" ? "<code>avatar_id</code>" : "group id"} <code>${esc(b.id)}</code></strong>: ${inline(b.why)}`);
    facts.push(...row.notes.map(inline));
    const diags = row.diagnostics.map((d) => `<div class="diag ${esc(d.severity)}"><strong>${esc(d.severity)}:</strong> ${esc(message(d))}</div>`);
    return `<tr class="change-${row.change}" data-change="${row.change}" data-resource="${esc(row.resource)}">` +
        `<td class="op"><span class="badge ${row.change}">${LABEL[row.change]}</span></td>` +
        `<td class="what"><div class="name">${title}</div><div class="dim">${KIND[row.kind]} · <code>${esc(row.resource)}</code></div>` +
        `${row.prompt ? promptHtml(row.prompt) : ""}<ul>${facts.map((f) => `<li>${f}</li>`).join("")}</ul>${diags.join("")}</td>` +
        `<td class="pics"><div class="picrow">${pictures.join("")}</div></td></tr>`;
}

export function renderHtml(r: Review, pictures: Map<Row, RowPictures>, opts: { title?: string; notes?: string[] } = {}): string {
    const title = opts.title ?? "HeyGen avatars";
    const body: string[] = [];
    body.push(`<h1>${esc(title)}: ${esc(summaryLine(r))}</h1>`);
    if (r.failed) body.push(`<p class="failed"><strong>The preview failed</strong>: <code>pulumi up</code> would stop at the errors below. What is listed is what was planned before them.</p>`);
    body.push(`<p>${inline(costLine(r))}</p>`);
    const breaks = breakLines(r);
    body.push(breaks.length ? `<p><strong>Breaks:</strong></p><ul class="breaks">${breaks.map((b) => `<li>${inline(b.replace(/^- /, ""))}</li>`).join("")}</ul>` : `<p><strong>Breaks:</strong> no id changes.</p>`);
    for (const note of opts.notes ?? []) body.push(`<p class="dim">${esc(note)}</p>`);
    for (const g of r.groups) {
        body.push(`<h2>${inline(g.name)}${g.id ? ` <span class="dim">group <code>${esc(g.id)}</code></span>` : ""}</h2>`);
        body.push(`<table class="group"><tbody>${g.rows.map((row) => rowHtml(row, pictures.get(row))).join("")}</tbody></table>`);
    }
    if (r.plain.length) {
        body.push(`<h2>Other resources</h2><table class="plain"><tbody>`);
        for (const p of r.plain) {
            body.push(`<tr data-change="${esc(p.op)}"><td class="op"><span class="badge">${esc(p.op)}</span></td><td><code>${esc(p.type)}</code> <code>${esc(p.resource)}</code>` +
                `${p.diagnostics.map((d) => `<div class="diag ${esc(d.severity)}"><strong>${esc(d.severity)}:</strong> ${esc(message(d))}</div>`).join("")}</td></tr>`);
        }
        body.push(`</tbody></table>`);
    }
    const diags = r.diagnostics.filter((d) => d.severity === "error" || d.severity === "warning");
    if (diags.length) {
        body.push(`<h2>Errors and warnings</h2>`);
        for (const d of diags) body.push(`<div class="diag ${esc(d.severity)}"><strong>${esc(d.severity)}</strong>${d.urn ? ` <code>${esc(d.urn.split("::").pop()!)}</code>` : ""}: <pre>${esc(message(d))}</pre></div>`);
    }
    body.push(`<p class="dim">${r.unchanged} unchanged.</p>`);
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${esc(title)}: ${esc(summaryLine(r))}</title><style>${CSS}</style></head><body>${body.join("\n")}</body></html>\n`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #d0d7de;padding:10px 8px;vertical-align:top}
td.op{width:80px}td.pics{width:560px}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-weight:600;font-size:12px;background:#eaeef2}
.badge.create,.badge.adopt{background:#dafbe1;color:#116329}.badge.replace{background:#fff1e5;color:#953800}
.badge.delete{background:#ffebe9;color:#a40e26}.badge.rename,.badge.update{background:#ddf4ff;color:#0550ae}
.name{font-weight:600;font-size:15px}.dim{color:#656d76;font-size:12px}.arrow{color:#656d76}.arrow.big{font-size:28px;align-self:center}
.picrow{display:flex;gap:10px;flex-wrap:wrap;align-items:flex-start}
figure{margin:0;max-width:256px}figure img{display:block;max-width:256px;max-height:256px;border:1px solid #d0d7de;border-radius:6px}
figure.old img{opacity:.85}figcaption{font-size:12px;color:#656d76}
.nopic{overflow-wrap:anywhere;width:180px;min-height:60px;border:1px dashed #d0d7de;border-radius:6px;padding:8px;font-size:12px;color:#953800;background:#fff8f2}
.prompt{margin:6px 0;padding:6px 8px;background:#f6f8fa;border-radius:6px}del{background:#ffebe9;color:#a40e26;margin-right:2px}ins{background:#dafbe1;color:#116329;text-decoration:none}
.breaks,strong.breaks{color:#a40e26}.failed{background:#ffebe9;padding:8px;border-radius:6px}
.diag{margin:4px 0;padding:4px 8px;border-radius:6px}.diag.error{background:#ffebe9}.diag.warning{background:#fff8c5}.diag pre{white-space:pre-wrap;margin:4px 0}
.warn{color:#953800}ul{margin:4px 0;padding-left:18px}code{font-size:12px;background:#f6f8fa;padding:0 3px;border-radius:3px}
`;
