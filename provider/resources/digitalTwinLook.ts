// DigitalTwinLook: a look trained from video footage of a real person. It waits in `pending_consent` until
// the person approves (a ConsentRequest), then trains — minutes to hours.
import * as pulumi from "@pulumi/pulumi";
import type { InputTable } from "../lifecycle/declaration";
import type { VideoSource } from "../sources";
import { type Adoptable, type LookDeclaration, type LookKind, type LookWait, LOOK_OUTPUT_SEED, LookResource, singleFileKind } from "./looks";

interface DigitalTwinLookCommonArgs {
    /** The avatar group (character) the look joins: an AvatarGroup's `groupId`. */
    groupId: pulumi.Input<string>;
    /** ≤ 255 characters; changing it renames the look in place. */
    name: pulumi.Input<string>;
    /**
     * HeyGen deletes a group with its last look. Without this, deleting the look fails when it is the last
     * one of its group (the group would go too); with it, both go. Takes effect once applied by `pulumi up`.
     */
    forceDestroy?: pulumi.Input<boolean>;
    /**
     * `created` (default): return once HeyGen accepted the footage; `trained`: also wait for training.
     * Waiting never blocks on consent: a twin in `pending_consent` ends the wait.
     */
    waitFor?: pulumi.Input<LookWait>;
    /** How long to wait for training (default 3600). */
    timeoutSeconds?: pulumi.Input<number>;
}

/** A digital twin look: made from `footage`, or adopted (`adoptLookId`), when `footage` may be left out. */
export type DigitalTwinLookArgs = DigitalTwinLookCommonArgs & Adoptable<{
    /** The training video (MP4/WebM, ≥ 15 s): `{ url }`, `{ path }`, `{ assetId }` or `{ base64, mediaType }`. Changing it replaces the look. */
    footage: pulumi.Input<VideoSource>;
}, {
    /** Take an existing look under management instead of creating one (checked against this declaration). */
    adoptLookId: pulumi.Input<string>;
}>;

/** A DigitalTwinLook's inputs, each with what its change does, and its outputs (every look's). */
export const digitalTwinLookDeclaration = {
    kind: "digitalTwinLook",
    type: "DigitalTwinLook",
    inputs: {
        groupId: "replaces", name: "updates", footage: "replaces", adoptLookId: "adoption",
        waitFor: "updates", timeoutSeconds: "updates", forceDestroy: "updates",
    } satisfies InputTable<DigitalTwinLookArgs>,
    outputs: LOOK_OUTPUT_SEED,
} as const satisfies LookDeclaration;

export const digitalTwinKind: LookKind = singleFileKind({
    declaration: digitalTwinLookDeclaration,
    title: "digital twin look",
    createType: "digital_twin",
    avatarType: "digital_twin",
    input: "footage",
    file: "video",
    defaultWait: "created",
    defaultTimeoutSeconds: 3600,
});

/** A digital twin look. Its group needs a ConsentRequest approved by the person filmed before it trains. */
export class DigitalTwinLook extends LookResource {
    constructor(name: string, args: DigitalTwinLookArgs, opts?: pulumi.CustomResourceOptions) {
        super(name, args, digitalTwinKind, opts);
    }
}
