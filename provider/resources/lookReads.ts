// Reads of looks during a refresh, batched by group: one listing of a group's looks (50 a page) answers
// every look of that group the engine asks about, instead of one GET each. The provider process lives for
// one `pulumi` command; a listing is kept at most LISTING_TTL_MS and dropped by any write, so nothing
// read after a change can be stale. A look missing from a listing is confirmed with its own GET before
// it is called gone, and a group HeyGen will not list (its documented `group_id` quirk) falls back to GETs.
import type { AvatarLookItem } from "../../api/schema";
import type { HeyGenClient } from "../client";
import { memory } from "../memory";
import { orGone } from "../lifecycle/common";

export const LISTING_TTL_MS = 30_000;


/** Any create, update or delete: what was listed may have changed. */
export function forgetListings(): void {
    memory.listings.clear();
}

export async function readLook(api: HeyGenClient, id: string, groupId: unknown, now = Date.now()): Promise<AvatarLookItem | undefined> {
    if (typeof groupId !== "string" || !groupId) return orGone(() => api.getLook(id));
    let listing = memory.listings.get(groupId);
    if (!listing || now - listing.at > LISTING_TTL_MS) {
        listing = { at: now, looks: list(api, groupId) };
        memory.listings.set(groupId, listing);
    }
    const found = (await listing.looks)?.get(id);
    return found ?? orGone(() => api.getLook(id));
}

async function list(api: HeyGenClient, groupId: string): Promise<Map<string, AvatarLookItem> | undefined> {
    try {
        const looks = new Map<string, AvatarLookItem>();
        for await (const l of api.allLooks({ group_id: groupId })) looks.set(l.id, l);
        return looks;
    } catch {
        return undefined; // read each look on its own instead
    }
}
