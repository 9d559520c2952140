// PhotoLook: a look trained from one photo (JPEG/PNG, at least 512×512, one front-facing face).
import * as pulumi from "@pulumi/pulumi";
import type { InputTable } from "../lifecycle/declaration";
import type { ImageSource } from "../sources";
import { type Adoptable, type LookDeclaration, type LookKind, type LookWait, LOOK_OUTPUT_SEED, LookResource, singleFileKind } from "./looks";

interface PhotoLookCommonArgs {
    /** The avatar group (character) the look joins: an AvatarGroup's `groupId`. */
    groupId: pulumi.Input<string>;
    /** ≤ 255 characters; changing it renames the look in place. */
    name: pulumi.Input<string>;
    /**
     * HeyGen deletes a group with its last look. Without this, deleting the look fails when it is the last
     * one of its group (the group would go too); with it, both go. Takes effect once applied by `pulumi up`.
     */
    forceDestroy?: pulumi.Input<boolean>;
    /** `trained` (default): wait until training completes; `created`: return once HeyGen accepted it. */
    waitFor?: pulumi.Input<LookWait>;
    /** How long to wait for training (default 900). `customTimeouts` do not reach dynamic providers. */
    timeoutSeconds?: pulumi.Input<number>;
}

/** A photo look: made from `image`, or adopted (`adoptLookId`), when `image` may be left out. */
export type PhotoLookArgs = PhotoLookCommonArgs & Adoptable<{
    /** The photo: `{ url }`, `{ path }`, `{ assetId }` or `{ base64, mediaType }`. Changing it replaces the look. */
    image: pulumi.Input<ImageSource>;
}, {
    /** Take an existing look under management instead of creating one (checked against this declaration). */
    adoptLookId: pulumi.Input<string>;
}>;

/** A PhotoLook's inputs, each with what its change does, and its outputs (every look's). */
export const photoLookDeclaration = {
    kind: "photoLook",
    type: "PhotoLook",
    inputs: {
        groupId: "replaces", name: "updates", image: "replaces", adoptLookId: "adoption",
        waitFor: "updates", timeoutSeconds: "updates", forceDestroy: "updates",
    } satisfies InputTable<PhotoLookArgs>,
    outputs: LOOK_OUTPUT_SEED,
} as const satisfies LookDeclaration;

export const photoKind: LookKind = singleFileKind({
    declaration: photoLookDeclaration,
    title: "photo look",
    createType: "photo",
    avatarType: "photo_avatar",
    input: "image",
    file: "photo", // at least 512×512, checked at preview
    defaultWait: "trained",
    defaultTimeoutSeconds: 900,
});

/** A photo avatar look in an avatar group. Its `lookId` is what videos take as `avatar_id`. */
export class PhotoLook extends LookResource {
    constructor(name: string, args: PhotoLookArgs, opts?: pulumi.CustomResourceOptions) {
        super(name, args, photoKind, opts);
    }
}
