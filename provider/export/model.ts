// What `pulumi-heygen export` reads from an account: its private groups, each with its looks, oldest first.
import type { AvatarGroupItem, AvatarLookItem } from "../../api/schema";

export interface ExportedLook {
    id: string;
    name: string;
    avatarType: AvatarLookItem["avatar_type"];
    status: AvatarLookItem["status"];
    error: { code: string; message: string } | null;
}

export interface ExportedGroup {
    id: string;
    name: string;
    consentStatus: AvatarGroupItem["consent_status"];
    /** Oldest first: the first is the group's first look. */
    looks: ExportedLook[];
}

export interface ExportedAccount {
    /** Oldest first. */
    groups: ExportedGroup[];
}

export function exportedLook(l: AvatarLookItem): ExportedLook {
    return { id: l.id, name: l.name, avatarType: l.avatar_type, status: l.status, error: l.error ?? null };
}
