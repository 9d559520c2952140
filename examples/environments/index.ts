// The same program, two environments: Pulumi.dev.yaml and Pulumi.prod.yaml decide the presenters, how
// their looks are made, and whether `up` waits for training.
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";

interface Presenter {
    name: string;
    photoUrl: string;
    /** Extra looks generated from prompts. */
    styles?: string[];
}

const config = new pulumi.Config();
const env = pulumi.getStack();
const presenters = config.requireObject<Presenter[]>("presenters");
// Dev returns as soon as HeyGen accepted a look; prod waits until looks are trained and usable.
const waitFor = config.get("waitFor") === "created" ? "created" : "trained";

export const looks: Record<string, pulumi.Output<string>> = {};
for (const p of presenters) {
    const key = p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    const group = new heygen.AvatarGroup(key, {
        // Names carry the environment so both can live in one HeyGen account.
        name: `${p.name} (${env})`,
        firstLook: { type: "photo", name: `${p.name} (${env}) - headshot`, image: { url: p.photoUrl } },
        waitFor,
    });
    looks[`${p.name} - headshot`] = group.firstLookId;
    for (const style of p.styles ?? []) {
        const look = new heygen.PromptLook(`${key}-${style.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, {
            groupId: group.groupId,
            name: `${p.name} (${env}) - ${style}`,
            prompt: `${p.name} presenting, ${style} style`,
            waitFor,
        });
        looks[`${p.name} - ${style}`] = look.lookId;
    }
}
