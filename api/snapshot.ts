// An account's avatars as data, written by `pulumi-heygen export --snapshot` and read by `heygen-emulator
// --seed`: the private groups and looks with their ids, names, types and statuses, oldest first. No key, no
// consent link, no URL of HeyGen's: nothing in it is a secret or points back at the account.
import { AVATAR_TYPES, CONSENT_STATUSES, LOOK_STATUSES } from "./constants";

export const SNAPSHOT_FORMAT = "heygen-account-snapshot";
export const SNAPSHOT_VERSION = 1;

export interface SnapshotLook {
    id: string;
    name: string;
    avatar_type: (typeof AVATAR_TYPES)[number];
    status: (typeof LOOK_STATUSES)[number] | null;
    error: { code: string; message: string } | null;
    gender: string | null;
    tags: string[];
    image_width: number | null;
    image_height: number | null;
}

export interface SnapshotGroup {
    id: string;
    name: string;
    created_at: number;
    gender: string | null;
    default_voice_id: string | null;
    consent_status: (typeof CONSENT_STATUSES)[number] | null;
    /** Oldest first: the first is the group's first look. */
    looks: SnapshotLook[];
}

export interface AccountSnapshot {
    format: typeof SNAPSHOT_FORMAT;
    version: typeof SNAPSHOT_VERSION;
    /** Oldest first. */
    groups: SnapshotGroup[];
}

/** Pure: the snapshot in `value`, or the first thing wrong with it (for a one-line error). */
export function parseSnapshot(value: unknown): { snapshot: AccountSnapshot } | { problem: string } {
    const v = value as Partial<AccountSnapshot> | null;
    if (!v || typeof v !== "object" || v.format !== SNAPSHOT_FORMAT) return { problem: `not a snapshot written by \`pulumi-heygen export --snapshot\` (no "format": "${SNAPSHOT_FORMAT}")` };
    if (v.version !== SNAPSHOT_VERSION) return { problem: `snapshot version ${String(v.version)} is not supported (this emulator reads version ${SNAPSHOT_VERSION})` };
    if (!Array.isArray(v.groups)) return { problem: "\"groups\" is not a list" };
    const ids = new Set<string>();
    for (const [gi, g] of v.groups.entries()) {
        const where = `groups[${gi}]`;
        if (typeof g?.id !== "string" || !g.id || typeof g.name !== "string") return { problem: `${where} needs an "id" and a "name"` };
        if (!Array.isArray(g.looks) || g.looks.length === 0) return { problem: `${where} (${g.id}) has no looks: HeyGen has no empty groups` };
        for (const [li, l] of g.looks.entries()) {
            if (typeof l?.id !== "string" || !l.id || typeof l.name !== "string") return { problem: `${where}.looks[${li}] needs an "id" and a "name"` };
            if (!AVATAR_TYPES.includes(l.avatar_type)) return { problem: `${where}.looks[${li}] (${l.id}): avatar_type must be one of ${AVATAR_TYPES.join(", ")}` };
            if (l.status !== null && !LOOK_STATUSES.includes(l.status)) return { problem: `${where}.looks[${li}] (${l.id}): status must be one of ${LOOK_STATUSES.join(", ")}` };
            if (ids.has(l.id)) return { problem: `look ${l.id} appears twice` };
            ids.add(l.id);
        }
        if (ids.has(g.id)) return { problem: `group ${g.id} appears twice` };
        ids.add(g.id);
    }
    return { snapshot: v as AccountSnapshot };
}
