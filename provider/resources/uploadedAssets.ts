// Assets the provider uploaded for a look's files (local paths, base64) are the stack's to delete: once
// the look no longer needs them (its training ended, completed or failed), when its create failed, and
// at the latest when the look goes. Assets the user gave as `assetId` are never in this list, so they are
// never touched. The decision is pure; the handlers call `releaseAssets` / `withAssetsReleased`.
import type { HeyGenClient } from "../client";
import { NotFoundError } from "../client";
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
            if (e instanceof NotFoundError) continue; // already gone
            if (strict) throw e;
            kept.push(id);
        }
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
        return { ...r, outs: withIds(r.outs, await releaseAssets(api, r.outs.uploadedAssetIds, r.outs.status)) };
    } catch (e) {
        if (e instanceof PartialCreateError && e.properties.uploadedAssetIds) {
            const kept = await releaseAssets(api, e.properties.uploadedAssetIds, e.properties.status);
            (e as { properties: Outs }).properties = withIds(e.properties, kept);
        }
        throw e;
    }
}
