// Taking avatars that already exist in an account under management, without creating anything.
// `pulumi import` does not work for dynamic resources (pulumi/pulumi#16175); each resource takes the id
// of the existing object instead, and checks that it matches what is declared.
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";

const config = new pulumi.Config();

// What the account holds (a lookup): useful to find the ids to adopt.
export const existingLooks = heygen.listLooksOutput({ ownership: "private" }).apply((looks) =>
    looks.map((l) => `${l.lookId}  ${l.avatarType.padEnd(12)} ${l.name}`),
);

const groupId = config.get("groupId");
const lookId = config.get("lookId");
let adopted: pulumi.Output<string> | undefined;
if (groupId) {
    const group = new heygen.AvatarGroup("existing", {
        adoptGroupId: groupId,
        // Must match the group: its name, its first look's type and name (checked at preview).
        name: config.require("groupName"),
        firstLook: { type: "photo", image: { url: config.get("photoUrl") ?? "https://cdn.example.com/existing.jpg" } },
        waitFor: "created",
    // Keep the avatar in HeyGen when this stack is destroyed: adoption should not risk deleting it.
    }, { retainOnDelete: true });

    if (lookId) {
        new heygen.PhotoLook("existing-look", {
            adoptLookId: lookId,
            groupId: group.groupId,
            name: config.require("lookName"),
            image: { url: config.get("lookPhotoUrl") ?? "https://cdn.example.com/existing-look.jpg" },
            waitFor: "created",
        }, { retainOnDelete: true });
    }
    adopted = group.groupId;
}

export const adoptedGroup = adopted;
