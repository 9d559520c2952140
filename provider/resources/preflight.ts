// What `check` reads before `up` (reads only): the key, once a run, and the group a look or a consent
// request joins. The first check of a preview holds up every other (the engine checks one resource at a
// time), so the two reads go out together.
import type { HeyGenClient } from "../client";
import { client } from "../keys";
import { memory } from "../memory";
import { type Failure, checkKey, isUnknown, orGone } from "../lifecycle/common";

/**
 * At preview, with reads only: the key (once a run, see checkKey) and the group the resource joins (when it
 * changes and is known), both at once: the engine checks one resource at a time, so the first check of a
 * preview holds up all others. The key's answer decides: a rejected key fails the group read too, and after
 * a switch to the fallback key (HEYGEN_API_KEY, refresh and destroy only) the group is read again with it.
 */
export async function checkKeyAndGroup(olds: Record<string, unknown> | undefined, inputs: Record<string, unknown>): Promise<Failure[]> {
    const groupId = typeof inputs.groupId === "string" && !isUnknown(inputs.groupId) && olds?.groupId !== inputs.groupId ? inputs.groupId : undefined;
    if (groupId === undefined) {
        await checkKey();
        return [];
    }
    const joinable = checkJoinableGroup(client, groupId);
    joinable.catch(() => undefined); // the key's failure, if any, is the one reported
    await checkKey();
    return joinable.catch(() => checkJoinableGroup(client, groupId));
}

/**
 * At preview, with reads only: the group a look joins exists and is the account's own (HeyGen's public
 * groups take no looks). Read once per process and group.
 */
function checkJoinableGroup(api: () => HeyGenClient, groupId: string): Promise<Failure[]> {
    const groupChecks = memory.groupChecks;
    let r = groupChecks.get(groupId);
    if (!r) {
        r = (async () => {
            const g = await orGone(() => api().getGroup(groupId));
            if (!g) return [{ property: "groupId", reason: `no avatar group ${groupId} exists in this HeyGen account: use an AvatarGroup's groupId` }];
            // HeyGen reports a status for private groups only.
            if (g.status === null) return [{ property: "groupId", reason: `${groupId} ("${g.name}") is one of HeyGen's public avatars, which take no new looks: use one of your own groups (an AvatarGroup's groupId)` }];
            return [];
        })();
        r.catch(() => groupChecks.delete(groupId));
        groupChecks.set(groupId, r);
    }
    return r;
}
