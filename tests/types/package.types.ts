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
    // @ts-expect-error outputs are Outputs, not plain values
    const plain: string = photo.lookId;
    void plain;
}
