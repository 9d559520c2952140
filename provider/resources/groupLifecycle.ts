// A group's part in the one lifecycle (lifecycle.ts): its checks, how it is made once with its first look,
// adopted, waited for (its first look's training), read, updated (its first look renamed, or made again
// through the same create-once path as any look after it was deleted in HeyGen) and deleted.
import type { AvatarGroupItem, AvatarLookItem, CreateAvatarRequest } from "../../api/schema";
import { type HeyGenClient, NotFoundError } from "../client";
import { warn } from "../progress";
import { type AdoptionPlan, ownedBefore, planAdoption } from "../lifecycle/adoption";
import {
    type AvatarGroupOutputs, FIRST_LOOK_DELETED, type FirstLookType, KINDS, avatarGroupDeclaration, decideGroupDiff, firstLookHasSource, firstLookOf,
    groupOutputs, lookName, unmanagedLooks,
} from "./avatarGroup";
import {
    type Failure, checkForceDestroy, checkId, checkKey, checkName, checkWaitInputs, containsUnknown, isUnknown, orGone, pick, UserError,
} from "../lifecycle/common";
import { type Candidate, createOnce, looksOfGroup } from "../lifecycle/createOnce";
import { inputNames } from "../lifecycle/declaration";
import { type Kind, type Props, lifecycle } from "../lifecycle/lifecycle";
import { createLookOnce } from "./lookLifecycle";
import { readLook } from "./lookReads";
import { type LookWait, waitIsOver } from "./looks";
import { FAILED_ADVICE, consentDeclinedWarning, targetedUp, tellMoved } from "../lifecycle/messages";
import { claim, describeIdentity, nameKey } from "../lifecycle/owners";
import { releaseAssets } from "../lifecycle/uploadedAssets";

/** A group as the lifecycle sees it: the group (once read), its first look, and the state before an update. */
export interface GroupObject {
    group?: AvatarGroupItem;
    look: AvatarLookItem;
    before?: Props;
}

const INPUTS = inputNames(avatarGroupDeclaration);
const kindOf = (inputs: Props) => KINDS[firstLookOf(inputs).type as FirstLookType];
const describe = (inputs: Props) => `avatar group "${String(inputs.name)}"`;
const waitFor = (inputs: Props) => (inputs.waitFor as LookWait | undefined) ?? kindOf(inputs).defaultWait;
const timeoutMs = (inputs: Props) => ((inputs.timeoutSeconds as number | undefined) ?? kindOf(inputs).defaultTimeoutSeconds) * 1000;

/** The outputs once the group was read; before that, what is known of it. */
function outputs(inputs: Props, o: GroupObject, extra: Props): Props {
    return {
        ...pick(inputs, INPUTS), ...(o.group ? groupOutputs(o.group) : { groupId: o.look.group_id, name: inputs.name }), declaredName: inputs.name,
        firstLookId: o.look.id, firstLookName: o.look.name, firstLookStatus: o.look.status, ...extra,
    };
}

export const groupKind: Kind<GroupObject> = {
    declaration: avatarGroupDeclaration,
    describe,

    validate(news, failures, adopting) {
        checkName(news.name, "name", failures);
        checkId(news.adoptGroupId, "adoptGroupId", failures, false);
        checkWaitInputs(news, ["created", "trained"], failures);
        checkForceDestroy(news, failures);
        const firstLook = news.firstLook;
        if (firstLook === undefined || firstLook === null) {
            failures.push({ property: "firstLook", reason: "is required: HeyGen creates a group only together with its first look" });
            return {};
        }
        if (isUnknown(firstLook)) return {};
        const fl = firstLook as Props;
        const kind = KINDS[fl.type as FirstLookType];
        if (!isUnknown(fl.type) && !kind) {
            failures.push({ property: "firstLook.type", reason: `'${String(fl.type)}' is not one of 'photo', 'prompt', 'digital_twin'` });
            return {};
        }
        if (!kind) return {};
        checkName(fl.name, "firstLook.name", failures, false);
        if (fl.type === "prompt" && fl.name !== undefined && !isUnknown(fl.name) && !isUnknown(news.name) && fl.name !== news.name) {
            failures.push({ property: "firstLook.name", reason: "a prompt first look takes the group's name (HeyGen cannot rename prompt looks): remove it or make it equal to name" });
        }
        const own: Failure[] = [];
        const source = kind.checkSource(fl, own, adopting);
        failures.push(...own.map((f) => ({ ...f, property: `firstLook.${f.property}` })));
        const foreign = ["image", "footage", "prompt", "referenceImages"].filter((k) => fl[k] !== undefined && !kind.sourceInputs.includes(k));
        for (const k of foreign) failures.push({ property: `firstLook.${k}`, reason: `does not apply to a ${fl.type} look` });
        return { firstLook: { ...fl, ...source } };
    },
    preflight: () => checkKey().then(() => []),
    claims(news, id, olds) {
        if (id === undefined) return [];
        const other = claim(id, news.__identity) ?? claim(olds?.firstLookId as string | undefined, news.__identity) ??
            claim(nameKey(id, lookName(news, olds?.declaredName as string | undefined)), news.__identity);
        return other
            ? [{ property: "adoptGroupId", reason: `${describe(news)} (${id}) or its first look ${String(olds?.firstLookId)} is also managed by ${describeIdentity(other)}: two resources managing one object would delete it under each other; remove one of them (or its adoption id)` }]
            : [];
    },
    source: {
        input: (inputs) => `firstLook.${kindOf(inputs)?.sourceInput ?? "source"}`,
        // What is not known yet, or not a kind of look (refused by validate), blocks nothing here.
        declared: (inputs) => isUnknown(inputs.firstLook) || !kindOf(inputs) || firstLookHasSource(inputs),
        required: "is required to make the group (only an adopted group, with adoptGroupId, may leave it out)",
    },
    adoption: {
        input: "adoptGroupId",
        ready: (inputs) => !containsUnknown(inputs),
        async plan(api, inputs) {
            const a = await groupAdoption(api, inputs);
            return { ...a, obj: a.group && a.first ? { group: a.group, look: a.first } : undefined };
        },
        // Checked as at preview: the group and its first look are as declared (names included).
        take: async (_api, _inputs, o) => o,
    },
    decide(olds, news) {
        const d = decideGroupDiff(olds, news);
        // A first look deleted in HeyGen is made again by the update: from its source, which must be declared.
        return { ...d, remake: olds.firstLookStatus === FIRST_LOOK_DELETED && !d.replaces.length ? ["firstLook (deleted in HeyGen)"] : [] };
    },
    diffWarnings(_id, olds, news) {
        const declined = consentDeclinedWarning(`the first look of ${describe(news)}`, String(olds.firstLookId), { status: olds.firstLookStatus, error: olds.error });
        return declined ? [declined] : [];
    },

    async make(api, inputs) {
        const fl = firstLookOf(inputs);
        const kind = kindOf(inputs);
        let prepared: Awaited<ReturnType<typeof kind.createBody>> | undefined;
        const firstLooks = new Map<string, AvatarLookItem>();
        try {
            const outcome = await createOnce({
                identity: inputs.__identity,
                keyInputs: { name: inputs.name, firstLook: fl },
                want: { name: inputs.name as string, type: kind.avatarType },
                async list(sinceMs) {
                    const out: Candidate[] = [];
                    for await (const g of api.allGroups({ ownership: "private" })) {
                        if (g.created_at * 1000 < sinceMs - 600_000) break; // newest first: the rest are older
                        if (g.name !== inputs.name) continue;
                        const first = (await looksOfGroup(api, g.id)).pop(); // the oldest is the first look
                        if (!first) continue;
                        firstLooks.set(g.id, first);
                        out.push({ id: g.id, name: g.name, type: first.avatar_type, createdAt: g.created_at });
                    }
                    return out;
                },
                async byId(id) {
                    const g = await orGone(() => api.getGroup(id));
                    const first = g && (await looksOfGroup(api, g.id)).pop();
                    if (!g || !first) return undefined;
                    firstLooks.set(g.id, first);
                    return { id: g.id, name: g.name, type: first.avatar_type, createdAt: g.created_at };
                },
                timed: true,
                async send(key) {
                    prepared ??= await kind.createBody(fl, api, key);
                    return api.createAvatar({ type: kind.createType, name: inputs.name as string, ...prepared.body } as CreateAvatarRequest, key, { lookBeforeResend: true });
                },
                idOf: (c) => c.avatar_group.id,
                exists: async (c) => (await orGone(() => api.getGroup(c.avatar_group.id))) !== undefined,
                stillRunningMs: api.timeoutMs("writeMs"),
            });
            const uploadedAssetIds = prepared?.uploadedAssetIds ?? [];
            if ("created" in outcome) return { id: outcome.created.avatar_group.id, obj: { group: outcome.created.avatar_group, look: outcome.created.avatar_item }, uploadedAssetIds };
            return { id: outcome.found.id, obj: { look: firstLooks.get(outcome.found.id)! }, uploadedAssetIds };
        } catch (e) {
            await releaseAssets(api, prepared?.uploadedAssetIds, "gone"); // no look was made from them
            throw e;
        }
    },
    /** A first look found from an interrupted run keeps the name it was sent with: renamed as declared. */
    async prepare(api, _id, o, inputs) {
        return o.look.name === lookName(inputs) ? o : { ...o, look: await api.renameLook(o.look.id, lookName(inputs)) };
    },
    wait: {
        what: "first look training",
        wanted: (inputs) => waitFor(inputs) === "trained",
        over: (o) => waitIsOver(o.look.status),
        // The group's status follows its looks: read afresh after waiting (finish).
        reread: async (api, o) => ({ look: await api.getLook(o.look.id), before: o.before }),
        status: (o) => o.look.status ?? "unknown",
        timeoutMs,
        ranOut: (o, inputs) =>
            `${describe(inputs)}: its first look is still ${o.look.status} after ${timeoutMs(inputs) / 1000} s; it is recorded in state. ` +
            "Run `pulumi up` again to keep waiting, raise timeoutSeconds, or set waitFor: \"created\"",
    },
    async finish(api, id, o, inputs) {
        const known = waitFor(inputs) === "trained" ? undefined : o.group;
        return { ...o, group: known ?? (await api.getGroup(id)) };
    },
    failed: (o, inputs) =>
        o.look.status !== "failed" ? undefined :
            `${describe(inputs)} (${o.group?.id ?? o.look.group_id}): its first look failed to train: ${o.look.error?.message ?? "no reason given"}` +
            `${o.look.error?.code ? ` (${o.look.error.code})` : ""}. ${FAILED_ADVICE}`,
    outputs,
    // The first look's name as it is, so a rename that did not happen is made by the next `up`.
    recordCreate: (inputs, o, extra) =>
        outputs(o.look.name === lookName(inputs) ? inputs : { ...inputs, firstLook: { ...firstLookOf(inputs), name: o.look.name } }, o, extra),

    async read(api, id, props) {
        const group = await orGone(() => api.getGroup(id));
        if (!group) return undefined;
        const declaredName = (props.declaredName ?? props.name) as string;
        const firstLookId = props.firstLookId as string | undefined;
        // The first look is read with the group's other looks (one listing per group).
        const look = firstLookId && props.firstLookStatus !== FIRST_LOOK_DELETED ? await readLook(api, firstLookId, id) : undefined;
        const outs = {
            ...props, ...groupOutputs(group), declaredName,
            firstLookName: look?.name ?? null, firstLookStatus: look?.status ?? FIRST_LOOK_DELETED,
        };
        // Inputs as they are now, so a later preview shows exactly what `up` will put back: a renamed first
        // look, a deleted one (its inputs go, and come back with the update). The group's own name stays the
        // declared one: HeyGen cannot rename it back, so that drift is a warning.
        const inputs: Props = { ...pick(props, INPUTS), name: declaredName };
        const fl = props.firstLook as Props | undefined;
        if (!look) delete inputs.firstLook;
        else if (fl && KINDS[fl.type as FirstLookType]?.renamable && look.name !== lookName(props, declaredName)) {
            inputs.firstLook = { ...fl, name: look.name };
        }
        const urn = props.__urn;
        if (group.name !== declaredName) {
            await warn(`avatar group "${declaredName}" (${id}) was renamed to "${group.name}" outside this program; HeyGen cannot rename groups, so \`up\` leaves it: set name to "${group.name}" to accept it`, urn);
        }
        if (look && fl?.type === "prompt" && look.name !== lookName(props, declaredName)) {
            await warn(
                `avatar group "${declaredName}" (${id}): its prompt first look ${look.id} was renamed to "${look.name}" outside this program; HeyGen cannot rename ` +
                    "prompt looks back, so `up` leaves it (a prompt first look takes the group's name: nothing to declare)", urn,
            );
        }
        if (firstLookId && !look && props.firstLookStatus !== FIRST_LOOK_DELETED) {
            const remake = firstLookHasSource(props) ? "the next `up` makes it again in the same group" : "it was adopted without a source, so `up` cannot make it again: declare firstLook's source";
            await warn(`avatar group "${declaredName}" (${id}): its first look ${firstLookId} was deleted outside this program; ${remake}`, urn);
        }
        await tellMoved(props, outs);
        return { props: outs, inputs };
    },

    async apply(api, id, olds, news) {
        const firstLookId = olds.firstLookId as string;
        let extra: Props = olds.uploadedAssetIds ? { uploadedAssetIds: olds.uploadedAssetIds } : {};
        const live = olds.firstLookStatus === FIRST_LOOK_DELETED ? undefined : firstLookId;
        const kind = kindOf(news);
        const current = (olds.firstLookName as string | null | undefined) ?? lookName(olds, olds.declaredName as string | undefined);
        let found: AvatarLookItem | undefined;
        if (live) {
            try {
                found = kind.renamable && current !== lookName(news) ? await api.renameLook(live, lookName(news)) : await api.getLook(live);
            } catch (e) {
                if (!(e instanceof NotFoundError)) throw e;
                await warn(`${describe(news)}: its first look ${live} no longer exists in HeyGen; making it again`);
            }
        }
        // Deleted outside (seen now or by a refresh): made again, once, so the group is what the program says.
        if (!found) {
            const made = await createLookOnce(api, kind, {
                identity: typeof news.__identity === "string" ? `${news.__identity}#firstLook` : undefined,
                groupId: id, name: lookName(news), source: firstLookOf(news), keyInputs: { groupId: id, firstLook: firstLookOf(news), name: lookName(news) },
            });
            found = "created" in made.outcome ? made.outcome.created.avatar_item : await api.getLook(made.outcome.found.id);
            if (made.uploadedAssetIds.length) extra = { uploadedAssetIds: [...((olds.uploadedAssetIds as string[] | undefined) ?? []), ...made.uploadedAssetIds] };
        }
        return { obj: { look: found, before: olds }, extra };
    },
    recordUpdate: (olds, news, o, extra) => ({
        ...pick(olds, ["groupId", "looksCount", "status", "consentStatus", "previewImageUrl", "previewVideoUrl", "gender", "defaultVoiceId", "createdAt", "error"]),
        ...pick(news, INPUTS), name: olds.name ?? news.name, declaredName: news.name, groupId: olds.groupId ?? o.look.group_id,
        firstLookId: o.look.id, firstLookName: o.look.name, firstLookStatus: o.look.status, ...extra,
    }),

    async remove(api, id, props) {
        // HeyGen deletes a group with every look in it. The engine deletes the looks this stack manages
        // first, so any look left besides the group's own first look belongs to someone else.
        if (!props.forceDestroy) {
            const looks = await looksOfGroup(api, id);
            const first = typeof props.firstLookId === "string" ? props.firstLookId : looks[looks.length - 1]?.id;
            const others = unmanagedLooks(looks, first);
            if (others.length) {
                throw new UserError(
                    `avatar group "${props.name ?? id}" (${id}) still holds ${others.length} look${others.length > 1 ? "s" : ""} this stack does not manage, ` +
                        `and HeyGen deletes a group with all its looks: ${others.map((l) => `"${l.name}" (${l.id}, ${l.avatar_type})`).join(", ")}. ` +
                        "Delete them in HeyGen, or declare them in this stack (adoptLookId), or, to delete them with the group, set forceDestroy: true " +
                        `on the group and apply that alone with \`${targetedUp(props.__urn)}\` (a plain \`pulumi up\` after a partial destroy ` +
                        "would create again what the destroy already deleted), then run the destroy (or replacement) again",
                );
            }
        }
        await orGone(() => api.deleteGroup(id));
        await releaseAssets(api, props.uploadedAssetIds, "gone", true);
    },
};

export const avatarGroupHandlers = lifecycle(groupKind);

/**
 * What adopting `adoptGroupId` means, with reads only: take the group (after checking it is what the program
 * declares: its name, its first look's type and name, owned by no other resource), make one from the first
 * look's source instead (it is gone, or it is this resource's own group being replaced), or failures naming
 * what to change. `check` reports it at preview; `create` acts on it.
 */
export async function groupAdoption(api: HeyGenClient, inputs: Props): Promise<{ plan: AdoptionPlan; group?: AvatarGroupItem; first?: AvatarLookItem; failures: Failure[]; warnings: string[] }> {
    const id = inputs.adoptGroupId as string;
    const kind = kindOf(inputs);
    const group = await orGone(() => api.getGroup(id));
    const plan = planAdoption({
        what: describe(inputs), adoptInput: "adoptGroupId", adoptId: id, sourceInput: `firstLook.${kind.sourceInput}`,
        hasSource: firstLookHasSource(inputs), exists: !!group, ownedBefore: ownedBefore(inputs.__identity, id),
    });
    const failures: Failure[] = [];
    if (plan.action === "fail") failures.push({ property: plan.property, reason: plan.reason });
    if (plan.action !== "adopt" || !group) return { plan, failures, warnings: plan.action === "create" ? [plan.warning] : [] };
    if (group.status === null) return { plan, group, failures: [{ property: "adoptGroupId", reason: `${id} is one of HeyGen's public avatars; only your own groups can be adopted` }], warnings: [] };
    if (group.name !== inputs.name) {
        failures.push({ property: "name", reason: `group ${id} is named "${group.name}" and groups cannot be renamed: set name to "${group.name}"` });
    }
    let first: AvatarLookItem | undefined;
    for await (const l of api.allLooks({ group_id: id })) first = l; // newest first: the last one is the first look
    if (!first) failures.push({ property: "adoptGroupId", reason: `group ${id} has no looks` });
    else if (first.avatar_type !== kind.avatarType) {
        failures.push({ property: "firstLook.type", reason: `the first look of group ${id} is a ${first.avatar_type}: declare firstLook with the matching type` });
    } else if (first.name !== lookName(inputs)) {
        failures.push({
            property: "firstLook.name",
            reason: `the first look of group ${id} is named "${first.name}": declare that name to adopt it as it is${kind.renamable ? " (rename it afterwards with an update)" : ""}`,
        });
    }
    const other = claim(id, inputs.__identity) ?? (first ? claim(first.id, inputs.__identity) : undefined);
    if (other) failures.push({ property: "adoptGroupId", reason: `group ${id} (or its first look) is managed by ${describeIdentity(other)} in this stack already: adopt it once` });
    return { plan, group, first, failures, warnings: [] };
}

export type { AvatarGroupOutputs };
