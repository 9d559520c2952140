// AvatarGroup: a character identity ("Sarah"). HeyGen has no call that creates an empty group: a group is
// born with its first look, so the group declares that look too. Groups cannot be renamed: a new name, or
// a different first look, makes a new group. The first look's name (photo and digital twin) changes in place.
// Declared here (inputs, outputs, the pure diff); its lifecycle is the one of every resource (groupLifecycle.ts).
import * as pulumi from "@pulumi/pulumi";
import type { AvatarGroupItem, ConsentStatus, LookStatus } from "../../api/schema";
import { type ImageSource, type VideoSource, fileIdentity } from "../sources";
import { identity } from "../identity";
import { UNKNOWN, decideDiff, decideFixedName, hiddenChanged, isUnknown, toDiffResult } from "../lifecycle/common";
import type { Declaration, InputTable, OutputSeed } from "../lifecycle/declaration";
import { digitalTwinKind } from "./digitalTwinLook";
import type { LookKind, LookWait } from "./looks";
import { photoKind } from "./photoLook";
import { promptKind } from "./promptLook";
import { HeyGenResource, derive, type Outputs } from "../lifecycle/resource";

export type FirstLookType = "photo" | "prompt" | "digital_twin";

/** A photo first look: the group's first look trained from one photo. */
export interface PhotoFirstLookArgs {
    /** The kind of first look: `photo`. */
    type: "photo";
    /** The look's name (≤ 255 characters); defaults to the group's name. Changing it renames the look in place. */
    name?: pulumi.Input<string>;
    /** The photo (JPEG/PNG, at least 512×512, one front-facing face). Changing it replaces the group. */
    image: pulumi.Input<ImageSource>;
}

/** A digital twin first look: trained from video footage of a real person (it needs their consent). */
export interface DigitalTwinFirstLookArgs {
    /** The kind of first look: `digital_twin`. */
    type: "digital_twin";
    /** The look's name (≤ 255 characters); defaults to the group's name. Changing it renames the look in place. */
    name?: pulumi.Input<string>;
    /** The training video (MP4/WebM, at least 15 s). Changing it replaces the group. */
    footage: pulumi.Input<VideoSource>;
}

/** A prompt first look: generated from a text prompt. It takes the group's name (HeyGen cannot rename it). */
export interface PromptFirstLookArgs {
    /** The kind of first look: `prompt`. */
    type: "prompt";
    /** Only the group's name is allowed: HeyGen cannot rename prompt looks. */
    name?: pulumi.Input<string>;
    /** What the look should be (≤ 1000 characters). Changing it replaces the group. */
    prompt: pulumi.Input<string>;
    /** Up to 3 reference images. Changing them replaces the group. */
    referenceImages?: pulumi.Input<pulumi.Input<ImageSource>[]>;
}

/** The look the group is born with: the same fields as the matching look resource, chosen by `type`. */
export type FirstLookArgs = PhotoFirstLookArgs | DigitalTwinFirstLookArgs | PromptFirstLookArgs;

/**
 * The first look of an adopted group: its type (and name), its source optional. Without its source the group
 * is managed like any other, but cannot be made again (`preview` says so when it would have to be).
 */
export type AdoptedFirstLookArgs =
    | (Partial<PhotoFirstLookArgs> & { type: "photo" })
    | (Partial<DigitalTwinFirstLookArgs> & { type: "digital_twin" })
    | (Partial<PromptFirstLookArgs> & { type: "prompt" });

interface AvatarGroupCommonArgs {
    /** The character's name (≤ 255). Groups cannot be renamed: a change replaces the group and its looks. */
    name: pulumi.Input<string>;
    /** `trained` (default for photo and prompt) or `created` (default for digital twins). */
    waitFor?: pulumi.Input<LookWait>;
    /** How long to wait for the first look's training (default: the look kind's). */
    timeoutSeconds?: pulumi.Input<number>;
    /**
     * Destroying or replacing the group deletes every look in it (HeyGen deletes a group with its looks).
     * Without this, that fails when the group holds looks this stack does not manage, and lists them.
     * Set it (and run `pulumi up`, which changes it in place) before the destroy or replacement.
     */
    forceDestroy?: pulumi.Input<boolean>;
}

/** An avatar group: made with its first look (from its source), or adopted (`adoptGroupId`), when the first look's source may be left out. */
export type AvatarGroupArgs = AvatarGroupCommonArgs & (
    | {
        /** The first look, created with the group. Changing anything but its name replaces the group. */
        firstLook: pulumi.Input<FirstLookArgs>;
        /** Take an existing group under management instead of creating one (checked against this declaration). */
        adoptGroupId?: pulumi.Input<string>;
    }
    | {
        /** The adopted group's first look: its type and name; its source only if the group may have to be made again. */
        firstLook: pulumi.Input<AdoptedFirstLookArgs>;
        /** Take an existing group under management instead of creating one (checked against this declaration). */
        adoptGroupId: pulumi.Input<string>;
    }
);

/** Everything an AvatarGroup outputs: HeyGen's view of the group, and of its first look. */
export interface AvatarGroupOutputs {
    /**
     * The group's id: pass it as a look's `groupId`. It is the resource's id, so it stays known while a
     * preview plans an update of the group, and the looks that use it are not shown as replaced.
     */
    groupId: string;
    /**
     * The id of the look the group was created with (after one deleted outside was made again: that one).
     * Unknown in a preview that updates the group: an update makes a first look deleted outside again.
     */
    firstLookId: string;
    /** The first look's name as HeyGen has it. */
    firstLookName: string | null;
    /** The first look's status as HeyGen has it; `deleted` when a refresh found it gone (the next `up` makes it again). */
    firstLookStatus: LookStatus | typeof FIRST_LOOK_DELETED | null;
    /** The group's name as HeyGen has it (renaming it in HeyGen's web app shows here after a refresh). */
    name: string;
    /** The name the program declared (kept apart from `name`: HeyGen cannot rename groups, so a rename outside is reported, never undone). */
    declaredName: string;
    /** How many looks the group holds, managed by this stack or not, as of its last create, update or refresh (`pulumi refresh` reads it anew). */
    looksCount: number;
    /** The least advanced status of its looks, as of its last create, update or refresh (`pulumi refresh` reads it anew). */
    status: LookStatus | null;
    /** `null` when no consent is needed (no digital twin). */
    consentStatus: ConsentStatus | null;
    /** A preview image of the character, once a look completed. */
    previewImageUrl: string | null;
    /** A preview video of the character, once a look completed. */
    previewVideoUrl: string | null;
    /** As HeyGen detected it (e.g. `female`, `male`). */
    gender: string | null;
    /** The voice HeyGen suggests for this character. */
    defaultVoiceId: string | null;
    /** When the group was created, in Unix seconds. */
    createdAt: number;
    /** Why training failed, when `status` is `failed`. */
    error: { code: string; message: string } | null;
    /** Assets this resource uploaded for its first look's files (local paths, base64); deleted with the group. */
    uploadedAssetIds?: string[];
}

/** `firstLookStatus` once a refresh found the first look deleted outside this program. */
export const FIRST_LOOK_DELETED = "deleted" as const;

export const KINDS: Record<FirstLookType, LookKind> = { photo: photoKind, prompt: promptKind, digital_twin: digitalTwinKind };

/** An AvatarGroup's inputs, each with what its change does (its name and first look: decideGroupDiff), and its outputs. */
export const avatarGroupDeclaration = {
    kind: "avatarGroup",
    type: "AvatarGroup",
    inputs: {
        name: "decided", firstLook: "decided", adoptGroupId: "adoption", waitFor: "updates", timeoutSeconds: "updates", forceDestroy: "updates",
    } satisfies InputTable<AvatarGroupArgs>,
    /** `groupId` is the resource's id (the class sets it). */
    outputs: {
        firstLookId: undefined, firstLookName: undefined, firstLookStatus: undefined, looksCount: undefined, status: undefined,
        consentStatus: undefined, previewImageUrl: undefined, previewVideoUrl: undefined, gender: undefined, defaultVoiceId: undefined,
        createdAt: undefined, error: undefined, uploadedAssetIds: undefined, declaredName: undefined, name: undefined,
    } satisfies OutputSeed<AvatarGroupOutputs, "groupId">,
} as const satisfies Declaration<AvatarGroupArgs, AvatarGroupOutputs, "groupId">;

export function groupOutputs(g: AvatarGroupItem): Omit<AvatarGroupOutputs, "firstLookId" | "firstLookName" | "firstLookStatus" | "declaredName"> {
    return {
        groupId: g.id, name: g.name, looksCount: g.looks_count, status: g.status, consentStatus: g.consent_status,
        previewImageUrl: g.preview_image_url, previewVideoUrl: g.preview_video_url, gender: g.gender,
        defaultVoiceId: g.default_voice_id, createdAt: g.created_at, error: g.error ?? null,
    };
}

export const firstLookOf = (inputs: Record<string, unknown>) => (inputs.firstLook ?? {}) as Record<string, unknown>;
/** Whether the first look declares what it is made from (an adopted group may leave it out). */
export const firstLookHasSource = (inputs: Record<string, unknown>) => {
    const fl = firstLookOf(inputs);
    const kind = KINDS[fl.type as FirstLookType];
    return !!kind && fl[kind.sourceInput] !== undefined && fl[kind.sourceInput] !== null;
};
/** The first look's declared name: its own, else the group's (`groupName` for states whose `name` is HeyGen's). */
export const lookName = (inputs: Record<string, unknown>, groupName?: string) => (firstLookOf(inputs).name as string | undefined) ?? groupName ?? (inputs.name as string);

/** Splits the first look into what forces a new group (its source) and what changes in place (its name). */
export function groupDiffView(inputs: Record<string, unknown>): Record<string, unknown> {
    const fl = inputs.firstLook;
    if (isUnknown(fl)) return { ...inputs, firstLookSource: UNKNOWN, firstLookName: UNKNOWN };
    const { name, ...source } = (fl ?? {}) as Record<string, unknown>;
    // Files compare by what HeyGen gets (their bytes' hash), not by how they are given.
    for (const k of ["image", "footage", "referenceImages"]) if (source[k] !== undefined) source[k] = fileIdentity(source[k]);
    // A prompt look's name cannot change in place.
    const renamable = source.type !== "prompt";
    return { ...inputs, firstLookSource: renamable ? source : { ...source, name }, firstLookName: renamable ? name ?? inputs.name : undefined };
}

/**
 * The group's diff, from its old state (outputs: what HeyGen had at the last write or refresh, and what
 * was declared) and its new inputs. Replaced only for what HeyGen cannot change in place: the group's
 * name (when the program asks for a new one), its first look's source or type, a prompt first look's
 * name. A rename made outside (the API cannot put it back) is a warning, never a replacement. Adoption
 * matters only at create. A first look deleted outside is made again by an update.
 */
export function decideGroupDiff(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const warnings: string[] = [];
    const before = groupDiffView(olds);
    const after = groupDiffView(news);
    // The first look's name as HeyGen has it (a refresh records it), else as declared before.
    if (olds.firstLookName !== undefined && olds.firstLookName !== null && !isUnknown(before.firstLookSource) && (before.firstLookSource as any)?.type !== "prompt") {
        before.firstLookName = olds.firstLookName;
    }
    const d = decideDiff(before, after, { replacing: ["firstLookSource"], updatable: ["firstLookName", "waitFor", "timeoutSeconds", "forceDestroy"] });
    const replaces = d.replaces.map((k) => (k === "firstLookSource" ? "firstLook" : k));
    let changes = d.changes;
    switch (decideFixedName(olds.declaredName, olds.name, news.name)) {
        case "record":
            changes = true;
            // A first look without a name of its own is named after the group: accepting the group's new name renames it too.
            if (d.changed.includes("firstLookName") && firstLookOf(news).name === undefined && typeof news.name === "string") {
                warnings.push(
                    `avatar group "${news.name}": accepting the group's name also renames its first look from "${String(before.firstLookName)}" to "${news.name}" ` +
                        `(a first look without a name of its own takes the group's). To keep it, set firstLook.name to "${String(before.firstLookName)}"`,
                );
            }
            break;
        case "drift":
            warnings.push(
                `avatar group "${String(news.name)}" is named "${String(olds.name)}" in HeyGen (renamed outside this program). HeyGen cannot rename groups, ` +
                    `so nothing is changed: set name to "${String(olds.name)}" to accept it, or keep "${String(news.name)}" and ignore this warning ` +
                    "(a new name would replace the group and all its looks)",
            );
            break;
        case "replace":
            changes = true;
            replaces.unshift("name");
            break;
    }
    // Deleted outside (seen by a refresh): the update makes it again in the same group.
    if (olds.firstLookStatus === FIRST_LOOK_DELETED && !replaces.includes("firstLook")) changes = true;
    if (hiddenChanged(olds, news)) changes = true;
    // A group whose first look failed stays recorded as failed: a new one only when its inputs change or
    // with `pulumi up --replace` (every create costs credits).
    return { ...toDiffResult({ ...d, changes, replaces }), warnings };
}
/** Pure: the looks of a group other than its own first look, which a group delete would take with it. */
export function unmanagedLooks<L extends { id: string }>(looks: L[], firstLookId: string | undefined): L[] {
    return looks.filter((l) => l.id !== firstLookId);
}

export interface AvatarGroup extends Outputs<AvatarGroupOutputs> {}

/** An avatar group (a character), created together with its first look. */
export class AvatarGroup extends HeyGenResource {
    constructor(name: string, args: AvatarGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super(avatarGroupDeclaration, name, { ...args, __identity: identity("AvatarGroup", name, opts) }, opts);
        derive<AvatarGroup>(this, { groupId: this.id });
    }
}
