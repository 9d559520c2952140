// Glue: a preview (parsed JSON, or the text that should have been JSON) into the Markdown and the HTML page.
// Pictures are made within a budget (count, bytes, time), so a preview of thousands of looks still makes a
// page of a few MB in seconds; past the budget a row says its picture was left out, and why.
import { type PreviewJson, type Review, type Row, review } from "./model";
import { renderMarkdown } from "./markdown";
import { type RowPictures, renderHtml } from "./html";
import { type Picture, PICTURE_LIMITS, localPicture, remotePicture } from "./pictures";

export interface Budget {
    /** Pictures embedded at most. */
    pictures: number;
    /** Bytes of embedded pictures at most (base64). */
    bytes: number;
    /** Milliseconds spent making pictures at most. */
    ms: number;
    /** Current pictures downloaded at once. */
    downloads: number;
}

export const DEFAULT_BUDGET: Budget = { pictures: 300, bytes: 4 * 1024 * 1024, ms: 4000, downloads: 8 };

export interface ReportOptions {
    projectDir: string;
    title?: string;
    budget?: Partial<Budget>;
    /** Download the current pictures (previewImageUrl) to embed them; off, they are described only. */
    fetchCurrent?: boolean;
}

export interface Report {
    review: Review;
    markdown: string;
    html: string;
    stats: { pictures: number; leftOut: number; ms: number };
}

/** The input as a preview, or a failed preview saying why it is not one. */
export function parsePreview(text: string): PreviewJson {
    const trimmed = text.trim();
    if (trimmed === "") return failedPreview("the preview printed nothing: did `pulumi preview --json` run in the project directory?");
    try {
        const json = JSON.parse(trimmed);
        if (json && typeof json === "object" && !Array.isArray(json)) return json as PreviewJson;
        return failedPreview("the preview's output is JSON but not a preview (no object with `steps`)");
    } catch {
        // `pulumi preview --json` prints plain text when it fails before planning (no stack, no login).
        const first = trimmed.split("\n").find((l) => /error/i.test(l)) ?? trimmed.split("\n")[0];
        return failedPreview(`the preview's output is not JSON: ${first.slice(0, 500)}`);
    }
}

const failedPreview = (message: string): PreviewJson => ({ steps: [], diagnostics: [{ severity: "error", message }] });

export async function makeReport(preview: PreviewJson, opts: ReportOptions): Promise<Report> {
    const started = Date.now();
    const r = review(preview);
    const budget = { ...DEFAULT_BUDGET, ...opts.budget };
    const pictures = new Map<Row, RowPictures>();
    const cache = new Map<string, Promise<Picture>>();
    let made = 0, bytes = 0, leftOut = 0;
    const side = (n: number) => (n > 100 ? 128 : PICTURE_LIMITS.side);
    const wanted = r.groups.reduce((n, g) => n + g.rows.length, 0);
    const over = () => made >= budget.pictures || bytes >= budget.bytes || Date.now() - started > budget.ms;
    const outOfBudget = (): Picture => {
        leftOut++;
        return { ok: false, line: `left out to keep the page small (it holds at most ${budget.pictures} pictures, ${(budget.bytes / 1048576).toFixed(0)} MB, made in ${budget.ms / 1000} s)` };
    };
    const count = async (key: string, make: () => Picture | Promise<Picture>): Promise<Picture> => {
        let p = cache.get(key);
        if (!p) {
            if (over()) return outOfBudget();
            p = Promise.resolve(make()).then((pic) => {
                if (pic.ok) {
                    made++;
                    bytes += pic.dataUri.length;
                }
                return pic;
            });
            cache.set(key, p);
        }
        return p;
    };
    const local = (f: Row["image"]): Promise<Picture> | undefined => {
        if (!f) return undefined;
        switch (f.kind) {
            case "path": return count(`path:${f.path}:${f.sha256 ?? ""}`, () => localPicture(opts.projectDir, f.path, f.sha256, side(wanted)));
            case "inline": return Promise.resolve({ ok: false, line: `inline bytes${f.sha256 ? `, sha256 ${f.sha256}` : ""}: given as base64 in the program, never stored; the review cannot show them` });
            case "url": return Promise.resolve({ ok: false, line: `a link HeyGen downloads at \`up\`: ${f.url}` });
            case "asset": return Promise.resolve({ ok: false, line: `an uploaded asset (${f.assetId}): HeyGen has its bytes` });
            case "unknown": return Promise.resolve({ ok: false, line: "known only at `up`" });
        }
    };
    // Downloads, a few at a time.
    const downloads: (() => Promise<void>)[] = [];
    for (const g of r.groups) {
        for (const row of g.rows) {
            const pics: RowPictures = {};
            pictures.set(row, pics);
            // A rename or an update keeps the picture: the current one shows it (the file, only when there is none).
            const keepsPicture = (row.change === "rename" || row.change === "update") && row.currentImageUrl;
            const next = (row.kind === "PhotoLook" || row.kind === "AvatarGroup") && !keepsPicture ? local(row.image) : undefined;
            if (next) pics.next = await next;
            if (row.referenceImages?.length) pics.references = await Promise.all(row.referenceImages.map((f) => local(f)!));
            if (row.change !== "create" && row.change !== "adopt" && row.kind !== "ConsentRequest") {
                const url = row.currentImageUrl;
                if (!url) pics.current = { ok: false, line: "no current picture in state (training had not finished at the last refresh)" };
                else if (!opts.fetchCurrent) pics.current = { ok: false, line: `not downloaded: ${url}` };
                else downloads.push(async () => void (pics.current = await count(`url:${url}`, () => remotePicture(url, side(wanted)))));
            }
        }
    }
    let at = 0;
    await Promise.all(Array.from({ length: Math.min(budget.downloads, downloads.length) }, async () => {
        while (at < downloads.length) await downloads[at++]();
    }));
    const notes = leftOut ? [`${leftOut} picture${leftOut === 1 ? "" : "s"} left out to keep this page small.`] : [];
    const html = renderHtml(r, pictures, { title: opts.title, notes });
    const markdown = renderMarkdown(r, { title: opts.title, htmlNote: "The pictures are in the HTML report." });
    return { review: r, markdown, html, stats: { pictures: made, leftOut, ms: Date.now() - started } };
}
