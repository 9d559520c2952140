// The main job: a HeyGen avatar estate — characters (avatar groups), their looks and consent requests —
// read from stack config, so Pulumi.dev.yaml and Pulumi.prod.yaml reproduce two environments from one
// program. `npm start` runs it against the local emulator, or against HeyGen with a key.
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";
import { type LookSpec, parseEstate } from "./estate";

const config = new pulumi.Config();
const estate = parseEstate(config.requireObject("characters"));

const lookIds: Record<string, pulumi.Output<string>> = {};
const lookStatuses: Record<string, pulumi.Output<string | null>> = {};
const groupIds: Record<string, pulumi.Output<string>> = {};
const groupStatuses: Record<string, pulumi.Output<string | null>> = {};
const consentUrls: Record<string, pulumi.Output<string | null>> = {};

for (const c of estate.characters) {
    const group = new heygen.AvatarGroup(c.key, { name: c.name, firstLook: firstLookArgs(c.firstLook) });
    groupIds[c.name] = group.groupId;
    // The group's status is its least advanced look's (the first look's own is not read separately:
    // a no-op preview makes no API call).
    groupStatuses[c.name] = group.status;
    lookIds[c.firstLook.name ?? c.name] = group.firstLookId;

    const twins: pulumi.Resource[] = [];
    for (const l of c.looks) {
        const name = `${c.key}-${l.key}`;
        const common = { groupId: group.groupId, name: l.name, waitFor: l.waitFor };
        const look =
            l.type === "photo" ? new heygen.PhotoLook(name, { ...common, image: l.image })
            : l.type === "prompt" ? new heygen.PromptLook(name, { ...common, prompt: l.prompt, referenceImages: l.referenceImages })
            : new heygen.DigitalTwinLook(name, { ...common, footage: l.footage });
        if (l.type === "digital_twin") twins.push(look);
        lookIds[l.name] = look.lookId;
        lookStatuses[l.name] = look.status;
    }
    if (c.firstLook.type === "digital_twin") twins.push(group);

    if (c.consent) {
        // After the twins: HeyGen asks for consent only on groups that have one.
        const consent = new heygen.ConsentRequest(`${c.key}-consent`, { groupId: group.groupId, ...c.consent }, { dependsOn: twins });
        consentUrls[c.name] = consent.url;
    }
}

function firstLookArgs(l: LookSpec): heygen.FirstLookArgs {
    switch (l.type) {
        case "photo":
            return { type: "photo", name: l.name, image: l.image };
        case "digital_twin":
            return { type: "digital_twin", name: l.name, footage: l.footage };
        case "prompt":
            return { type: "prompt", prompt: l.prompt, referenceImages: l.referenceImages };
    }
}

/** Look name → look id: pass the id as `avatar_id` to HeyGen's POST /v3/videos. */
export const looks = lookIds;
export const statuses = lookStatuses;
export const groups = groupIds;
/** Character → the least advanced status among its looks. */
export const groupStatus = groupStatuses;
/** Character → consent page for the person filmed (secret: anyone with the link can answer). */
export const consent = consentUrls;
