// Type-level tests of the package as a user's compiler sees it: `pulumi-heygen` resolves to the built
// .d.ts installed in node_modules (scripts/install-self.js). Compiled by `npm run typecheck` (part of
// `npm run test:unit`), never run. Every line must compile, except those under `// @ts-expect-error`,
// which must fail to: an expected error that stops happening fails the type check too.
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";

export function declarations(bucketUrl: pulumi.Output<string>): void {
    const group = new heygen.AvatarGroup("g", {
        name: "G",
        firstLook: { type: "photo", name: "G - one", image: { url: "https://example.com/a.png" } },
    });
    const photo = new heygen.PhotoLook("p", { groupId: group.groupId, name: "P", image: { path: "./a.png" }, waitFor: "created" });
    new heygen.PromptLook("q", { groupId: group.groupId, name: "Q", prompt: "a portrait", timeoutSeconds: 60 });
    new heygen.DigitalTwinLook("t", { groupId: group.groupId, name: "T", footage: { base64: "AAAA", mediaType: "video/mp4" } });
    new heygen.ConsentRequest("c", { groupId: group.groupId, waitFor: "approved" }, { dependsOn: [photo] });
    const lookId: pulumi.Output<string> = photo.lookId;
    const groupId: pulumi.Output<string> = group.groupId;
    const consentUrl = new heygen.ConsentRequest("c2", { groupId }).url;
    void [lookId, consentUrl, bucketUrl];

    // Inputs from other resources, nested fields included.
    new heygen.PhotoLook("from-bucket", { groupId, name: "B", image: { url: bucketUrl } });
    new heygen.PhotoLook("from-bytes", { groupId, name: "B", image: { base64: bucketUrl, mediaType: "image/png" } });
    new heygen.DigitalTwinLook("from-asset", { groupId, name: "T", footage: { assetId: photo.lookId, mediaType: "video/webm" } });
    new heygen.PromptLook("refs", { groupId, name: "R", prompt: "p", referenceImages: [{ path: "./a.png" }, { url: bucketUrl }] });
    new heygen.AvatarGroup("twin", { name: "T", firstLook: { type: "digital_twin", footage: { path: "./a.mp4" } } });
    new heygen.AvatarGroup("prompted", { name: "P", firstLook: { type: "prompt", prompt: "a portrait", referenceImages: [{ url: bucketUrl }] } });
    const looks: pulumi.Output<heygen.LookInfo[]> = heygen.listLooksOutput({ groupId: group.groupId, ownership: "private" });
    const info: pulumi.Output<heygen.AvatarGroupInfo> = heygen.getAvatarGroupOutput({ groupId: group.groupId });
    const one: pulumi.Output<heygen.LookInfo> = heygen.getLookOutput({ lookId: photo.lookId });
    void [looks, info, one];

    // Outputs are typed as declared, once, on every class.
    const status: pulumi.Output<heygen.LookStatus | null> = photo.status;
    const engines: pulumi.Output<("avatar_v" | "avatar_iv" | "avatar_iii")[]> = photo.supportedEngines;
    const consent: pulumi.Output<heygen.ConsentStatus | null> = group.consentStatus;
    const firstLookId: pulumi.Output<string> = group.firstLookId;
    const twinType: pulumi.Output<"studio_avatar" | "digital_twin" | "photo_avatar"> = new heygen.DigitalTwinLook("t2", { groupId, name: "T", footage: { url: "https://example.com/a.mp4" } }).avatarType;
    const requestGroup: pulumi.Output<string> = new heygen.ConsentRequest("c3", { groupId }).groupId;
    void [status, engines, consent, firstLookId, twinType, requestGroup];
    photo.status.apply((s) => s === "completed" || s === "pending_consent");

    // Adopted objects may leave their source out; nothing else may.
    new heygen.PhotoLook("adopted", { groupId, name: "A", adoptLookId: "l1" });
    new heygen.DigitalTwinLook("adopted-twin", { groupId, name: "A", adoptLookId: "l2" });
    new heygen.PromptLook("adopted-prompt", { groupId, name: "A", adoptLookId: "l3" });
    new heygen.AvatarGroup("adopted-group", { name: "A", adoptGroupId: "g1", firstLook: { type: "photo", name: "A - headshot" } });
    // @ts-expect-error a photo look needs its image unless it is adopted
    new heygen.PhotoLook("x", { groupId, name: "X" });
    // @ts-expect-error a prompt look needs its prompt unless it is adopted
    new heygen.PromptLook("x", { groupId, name: "X" });
    // @ts-expect-error a group's first look needs its source unless the group is adopted
    new heygen.AvatarGroup("x", { name: "X", firstLook: { type: "photo" } });

    // @ts-expect-error a look needs its group
    new heygen.PhotoLook("x", { name: "X", image: { url: "https://example.com/a.png" } });
    // @ts-expect-error a photo look takes an image, not footage
    new heygen.PhotoLook("x", { groupId, name: "X", footage: { url: "https://example.com/a.mp4" } });
    // @ts-expect-error waitFor of a look is "created" or "trained"
    new heygen.PhotoLook("x", { groupId, name: "X", image: { url: "https://example.com/a.png" }, waitFor: "soon" });
    // @ts-expect-error a consent request waits for "requested" or "approved"
    new heygen.ConsentRequest("x", { groupId, waitFor: "trained" });
    // @ts-expect-error the first look's type is "photo", "prompt" or "digital_twin"
    new heygen.AvatarGroup("x", { name: "X", firstLook: { type: "video", footage: { url: "https://example.com/a.mp4" } } });
    // @ts-expect-error a file source has exactly one kind: not both url and path
    new heygen.PhotoLook("x", { groupId, name: "X", image: { url: "https://example.com/a.png", path: "./a.png" } });
    // @ts-expect-error a file source needs one kind
    new heygen.PhotoLook("x", { groupId, name: "X", image: { mediaType: "image/png" } });
    // @ts-expect-error base64 bytes need their mediaType
    new heygen.PhotoLook("x", { groupId, name: "X", image: { base64: "AAAA" } });
    // @ts-expect-error a photo is an image, not a video
    new heygen.PhotoLook("x", { groupId, name: "X", image: { base64: "AAAA", mediaType: "video/mp4" } });
    // @ts-expect-error footage is a video, not an image
    new heygen.DigitalTwinLook("x", { groupId, name: "X", footage: { path: "./a.png", mediaType: "image/png" } });
    // @ts-expect-error a photo first look takes an image, not footage
    new heygen.AvatarGroup("x", { name: "X", firstLook: { type: "photo", footage: { url: "https://example.com/a.mp4" } } });
    // @ts-expect-error a prompt first look needs its prompt
    new heygen.AvatarGroup("x", { name: "X", firstLook: { type: "prompt" } });
    // @ts-expect-error statuses are HeyGen's, not any string
    photo.status.apply((s) => s === "done");
    // @ts-expect-error lookups take known filters only
    heygen.listLooksOutput({ groupId, owner: "me" });
    // @ts-expect-error outputs are Outputs, not plain values
    const plain: string = photo.lookId;
    void plain;
}
