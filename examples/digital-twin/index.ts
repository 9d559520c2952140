// One digital twin and its consent: the person filmed opens `consentUrl`, approves, and the twin trains.
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";

const config = new pulumi.Config();

const ana = new heygen.AvatarGroup("ana", {
    name: config.get("name") ?? "Ana",
    firstLook: {
        type: "digital_twin",
        name: "Ana - studio",
        // Or { path: "./footage/ana.mp4" } to upload a local file (hashed: a new file replaces the twin).
        footage: { url: config.get("footageUrl") ?? "https://cdn.example.com/ana-studio.mp4" },
    },
});

// Consent comes after the twin exists; `waitFor: "approved"` would hold `up` until the person answers.
const consent = new heygen.ConsentRequest("ana-consent", {
    groupId: ana.groupId,
    rerouteUrl: "https://example.com/thanks",
});

export const groupId = ana.groupId;
/** Pass as avatar_id to POST /v3/videos once `status` is completed. */
export const lookId = ana.firstLookId;
export const status = ana.status;
export const consentStatus = consent.consentStatus;
/** Secret: `pulumi stack output consentUrl --show-secrets`. */
export const consentUrl = consent.url;
