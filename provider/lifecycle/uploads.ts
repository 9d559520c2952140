// How a file source's bytes reach HeyGen at create: a url or an asset id as they are; local or inline
// bytes through POST /v3/assets (up to 32 MB, one request) or a direct upload to storage (larger files, up
// to 5 GB, streamed from disk). Every asset uploaded is noted in the upload journal (uploadedAssets.ts)
// until state records it, so a killed create leaves none behind.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { LIMITS } from "../../api/constants";
import type { FileInput } from "../../api/schema";
import { type HeyGenClient, BadRequestError, NotFoundError } from "../client";
import { progressReporter, size as fmtSize, tell } from "../progress";
import { type StoredFileSource, resolveLocal, sha256, unstage } from "../sources";
import { journal, releaseAssets } from "./uploadedAssets";

/** How local bytes reach HeyGen: through the API (≤ 32 MB, one request) or straight to storage. Pure. */
export function uploadRoute(size: number): "proxied" | "direct" {
    return size <= LIMITS.assetMaxBytes ? "proxied" : "direct";
}

/** The API's file input for a stored source, uploading local or inline bytes first. */
export async function toApiFile(src: StoredFileSource, property: string, client: HeyGenClient, idempotencyKey: string): Promise<{ file: FileInput; uploadedAssetId?: string }> {
    if (src.url) return { file: { type: "url", url: src.url } };
    if (src.assetId) return { file: { type: "asset_id", asset_id: src.assetId } };
    const uploaded = await upload(src, property, client, idempotencyKey);
    await journal.sweep(client); // what creates killed mid-way left behind (never this process's uploads)
    return uploaded;
}

/**
 * Creates keep their Idempotency-Key across runs, so an upload's key may replay an asset of an earlier,
 * killed run (reused: no second upload) or one deleted since (then a fresh key uploads again).
 */
async function upload(src: StoredFileSource, property: string, client: HeyGenClient, idempotencyKey: string): Promise<{ file: FileInput; uploadedAssetId: string }> {
    const state = async (id: string) => {
        try {
            return (await client.getAsset(id)).url === null ? "pending" : "complete";
        } catch (e) {
            if (e instanceof NotFoundError) return "gone";
            throw e;
        }
    };
    let bytes: Buffer;
    let filename: string;
    if (src.path) {
        const abs = resolveLocal(src.path);
        const changed = () => new Error(`${property}.path: '${src.path}' changed after preview; run the update again`);
        const now = fs.statSync(abs).size;
        if (src.size !== undefined && now !== src.size) throw changed();
        if (uploadRoute(now) === "direct") {
            const assetId = await uploadDirect(client, { path: abs, size: now, sha256: src.sha256, mediaType: src.mediaType }, property, idempotencyKey, changed, state);
            return { file: { type: "asset_id", asset_id: assetId }, uploadedAssetId: assetId };
        }
        bytes = fs.readFileSync(abs);
        if (src.sha256 && sha256(bytes) !== src.sha256) throw changed();
        filename = path.basename(src.path);
    } else {
        bytes = unstage(src.sha256!, property);
        filename = `${property.replace(/\W+/g, "-")}.${(src.mediaType ?? "bin").split("/")[1]}`;
    }
    let asset = await client.uploadAsset(bytes, filename, idempotencyKey);
    if ((await state(asset.asset_id)) === "gone") asset = await client.uploadAsset(bytes, filename, `${idempotencyKey}:${crypto.randomUUID()}`);
    journal.note(asset.asset_id);
    return { file: { type: "asset_id", asset_id: asset.asset_id }, uploadedAssetId: asset.asset_id };
}

/**
 * A direct upload: declare the file with its sha256 (which storage enforces: bytes that differ from what
 * `check` hashed are refused), PUT it streamed from disk with progress shown, and complete it. Retries
 * reuse the same asset: the declaration carries an Idempotency-Key derived from the create's, and an
 * interrupted PUT goes again to the same URL. An asset whose upload fails is deleted, so a failed create
 * leaves none behind.
 */
async function uploadDirect(
    client: HeyGenClient, file: { path: string; size: number; sha256?: string; mediaType?: string }, property: string, idempotencyKey: string, changed: () => Error,
    state: (id: string) => Promise<"pending" | "complete" | "gone">,
): Promise<string> {
    const name = path.basename(file.path);
    const declare = (key: string) => client.createDirectUpload(
        { filename: name, content_type: file.mediaType ?? "video/mp4", size_bytes: file.size, ...(file.sha256 ? { checksum_sha256: file.sha256 } : {}) },
        key,
    );
    let target = await declare(`${idempotencyKey}:direct`);
    let now = await state(target.asset_id);
    if (now === "gone") {
        target = await declare(`${idempotencyKey}:direct:${crypto.randomUUID()}`);
        now = "pending";
    }
    journal.note(target.asset_id);
    if (now === "complete") {
        // An earlier run uploaded these very bytes (the declaration carries their sha256): reuse them.
        await client.completeUpload(target.asset_id, file.sha256, `${idempotencyKey}:complete`);
        return target.asset_id;
    }
    try {
        const progress = progressReporter(`heygen: uploading ${property} '${name}'`, file.size, (m) => void tell(m, true));
        await tell(`heygen: uploading ${property} '${name}' (${fmtSize(file.size)}) directly to HeyGen's storage`, true);
        try {
            await client.putFile(target, file, (n) => progress.update(n));
        } catch (e) {
            // Storage checks the bytes against the sha256 `check` computed: a mismatch means the file changed.
            if (e instanceof BadRequestError && /BadDigest/.test(e.message + (e.code ?? ""))) throw changed();
            throw e;
        }
        // Completion cross-checks the stored bytes against the same sha256.
        await client.completeUpload(target.asset_id, file.sha256, `${idempotencyKey}:complete`);
        await tell(progress.done());
        return target.asset_id;
    } catch (e) {
        await releaseAssets(client, [target.asset_id], "gone"); // a 404 counts as deleted; a failure keeps the note
        throw e;
    }
}
