// The account as data (`export --snapshot FILE`), pure: what `heygen-emulator --seed FILE` takes. Ids,
// names, types and statuses only: no key, no consent link, no preview URL.
import { type AccountSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "../../api/snapshot";
import type { ExportedAccount } from "./model";

export function snapshotOf(account: ExportedAccount): AccountSnapshot {
    return {
        format: SNAPSHOT_FORMAT,
        version: SNAPSHOT_VERSION,
        groups: account.groups.map((g) => ({
            id: g.id, name: g.name, created_at: g.createdAt ?? 0, gender: g.gender ?? null, default_voice_id: g.defaultVoiceId ?? null,
            consent_status: g.consentStatus,
            looks: g.looks.map((l) => ({
                id: l.id, name: l.name, avatar_type: l.avatarType, status: l.status, error: l.error,
                gender: l.gender ?? null, tags: l.tags ?? [], image_width: l.width ?? null, image_height: l.height ?? null,
            })),
        })),
    };
}

/** The snapshot as the file holds it: two-space JSON, a newline at the end. */
export const snapshotText = (account: ExportedAccount) => JSON.stringify(snapshotOf(account), null, 2) + "\n";
