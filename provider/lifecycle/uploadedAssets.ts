// Assets the provider uploaded for a look's files (local paths, base64) are the stack's to delete: once
// the look no longer needs them (its training ended, completed or failed), when its create failed, and
// at the latest when the look goes. Assets the user gave as `assetId` are never in this list, so they are
// never touched. The decision is pure; the handlers call `releaseAssets` / `withAssetsReleased`.
//
// A create killed between its upload and its answer (Ctrl-C, a lost machine) would leave an asset no
// state knows. So each upload is noted in a small local journal until its create has answered, and a
// later upload deletes what dead processes noted for the same account.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { HeyGenClient } from "../client";
import { NotFoundError } from "../client";
import { settings } from "../keys";
import { memory } from "../memory";
import { PartialCreateError } from "./common";

/** The look's training has ended (or the look is gone): its input files are no longer read. */
export function assetsNeeded(status: unknown): boolean {
    return !(status === "completed" || status === "failed" || status === "gone");
}

/**
 * Deletes the uploaded assets when nothing needs them; answers the ids still kept, for state. A failed
 * delete keeps its id, so the next chance (update, delete) tries again; with `strict` it throws instead
 * (delete: the resource stays in state until its assets are gone).
 */
export async function releaseAssets(api: HeyGenClient, uploaded: unknown, status: unknown, strict = false): Promise<string[]> {
    const ids = Array.isArray(uploaded) ? uploaded.filter((x): x is string => typeof x === "string") : [];
    if (ids.length === 0 || assetsNeeded(status)) return ids;
    const kept: string[] = [];
    for (const id of ids) {
        try {
            await api.deleteAsset(id);
        } catch (e) {
            if (!(e instanceof NotFoundError)) { // a 404: already gone
                if (strict) throw e;
                kept.push(id);
                continue;
            }
        }
        journal.forget([id]);
    }
    return kept;
}

type Outs = Record<string, unknown>;

/** `uploadedAssetIds` as state keeps it: absent when none is left. */
function withIds(outs: Outs, kept: string[]): Outs {
    const { uploadedAssetIds: _old, ...rest } = outs;
    return kept.length ? { ...rest, uploadedAssetIds: kept } : rest;
}

/**
 * Runs a create's or update's wait, then releases the uploaded assets if training has ended, also when
 * the wait ends in a partial create (failed training).
 */
export async function withAssetsReleased<R extends { outs: Outs }>(api: HeyGenClient, settled: Promise<R>): Promise<R> {
    try {
        const r = await settled;
        if (!r.outs.uploadedAssetIds) return r;
        journal.forget(r.outs.uploadedAssetIds); // recorded in state from here on
        return { ...r, outs: withIds(r.outs, await releaseAssets(api, r.outs.uploadedAssetIds, r.outs.status)) };
    } catch (e) {
        if (e instanceof PartialCreateError && e.properties.uploadedAssetIds) {
            journal.forget(e.properties.uploadedAssetIds);
            const kept = await releaseAssets(api, e.properties.uploadedAssetIds, e.properties.status);
            (e as { properties: Outs }).properties = withIds(e.properties, kept);
        }
        throw e;
    }
}

/** An upload no create has answered for yet; `pid` and `at` tell an abandoned one. */
export interface JournalEntry {
    assetId: string;
    account: string;
    pid: number;
    at: number;
}

/** Abandoned: noted by another process that is gone (or a day ago), for this account. Pure. */
export function abandoned(e: JournalEntry, account: string, alive: (pid: number) => boolean, now = Date.now()): boolean {
    return e.account === account && e.pid !== process.pid && (!alive(e.pid) || now - e.at > 24 * 3600 * 1000);
}

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
};

/** Which account an asset belongs to: the API origin and a hash of the key (never the key). */
function account(): string {
    const s = settings();
    return `${s.baseUrl} ${crypto.createHash("sha256").update(s.apiKey ?? "").digest("hex").slice(0, 16)}`;
}

export const journal = {
    dir: () => path.join(os.tmpdir(), "pulumi-heygen-uploads"),
    note(assetId: string): void {
        try {
            fs.mkdirSync(journal.dir(), { recursive: true, mode: 0o700 });
            const entry: JournalEntry = { assetId, account: account(), pid: process.pid, at: Date.now() };
            fs.writeFileSync(path.join(journal.dir(), `${assetId}.json`), JSON.stringify(entry), { mode: 0o600 });
        } catch { /* a journal that cannot be written only loses the clean-up after a crash */ }
    },
    forget(ids: unknown): void {
        for (const id of Array.isArray(ids) ? ids : []) fs.rmSync(path.join(journal.dir(), `${String(id).replace(/[^\w-]/g, "")}.json`), { force: true });
    },
    /** Deletes the assets of abandoned creates for this account, once per process; a failure keeps the note. */
    async sweep(api: HeyGenClient): Promise<string[]> {
        if (memory.uploadsSwept) return [];
        memory.uploadsSwept = true;
        let files: string[] = [];
        try {
            files = fs.readdirSync(journal.dir()).filter((f) => f.endsWith(".json"));
        } catch {
            return [];
        }
        const deleted: string[] = [];
        for (const f of files) {
            let e: JournalEntry;
            try {
                e = JSON.parse(fs.readFileSync(path.join(journal.dir(), f), "utf8"));
            } catch {
                continue;
            }
            // A note nobody could act on for a month (an account no longer used here) is dropped.
            if (Date.now() - e.at > 30 * 24 * 3600 * 1000) journal.forget([e.assetId]);
            if (!abandoned(e, account(), alive)) continue;
            const kept = await releaseAssets(api, [e.assetId], "gone");
            if (kept.length === 0) {
                journal.forget([e.assetId]);
                deleted.push(e.assetId);
            }
        }
        return deleted;
    },
};
