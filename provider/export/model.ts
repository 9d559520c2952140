// What `pulumi-heygen export` reads from an account: its private groups, each with its looks, oldest first.
import type { AvatarGroupItem, AvatarLookItem } from "../../api/schema";

export interface ExportedLook {
    id: string;
    name: string;
    avatarType: AvatarLookItem["avatar_type"];
    status: AvatarLookItem["status"];
    error: { code: string; message: string } | null;
    /** What the snapshot keeps besides (absent: unknown). */
    gender?: string | null;
    tags?: string[];
    width?: number | null;
    height?: number | null;
}

export interface ExportedGroup {
    id: string;
    name: string;
    consentStatus: AvatarGroupItem["consent_status"];
    /** Oldest first: the first is the group's first look. */
    looks: ExportedLook[];
    /** What the snapshot keeps besides (absent: unknown). */
    createdAt?: number;
    gender?: string | null;
    defaultVoiceId?: string | null;
}

export interface ExportedAccount {
    /** Oldest first. */
    groups: ExportedGroup[];
}

export function exportedLook(l: AvatarLookItem): ExportedLook {
    return {
        id: l.id, name: l.name, avatarType: l.avatar_type, status: l.status, error: l.error ?? null,
        gender: l.gender, tags: l.tags, width: l.image_width, height: l.image_height,
    };
}

export function exportedGroup(g: AvatarGroupItem, looks: ExportedLook[]): ExportedGroup {
    return { id: g.id, name: g.name, consentStatus: g.consent_status, looks, createdAt: g.created_at, gender: g.gender, defaultVoiceId: g.default_voice_id };
}
