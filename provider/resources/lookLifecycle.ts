// A look's part in the one lifecycle (lifecycle.ts): its diff, its checks at preview, how it is made once,
// adopted, read, renamed and deleted. The same for the three kinds of look; each kind supplies its source
// inputs and create body (looks.ts).
import type { AvatarLookItem, CreateAvatarRequest, CreateAvatarResponse } from "../../api/schema";
import type { HeyGenClient } from "../client";
import { warn } from "../progress";
import { type AdoptionPlan, ownedBefore, planAdoption } from "../lifecycle/adoption";
import { claim, describeIdentity, nameKey } from "../lifecycle/owners";
import { readLook } from "./lookReads";
import { releaseAssets } from "../lifecycle/uploadedAssets";
import {
    type DiffRules, type Failure, checkForceDestroy, checkId, checkWaitInputs, checkName, decideDiff, decideFixedName, hiddenChanged, isUnknown, orGone, pick, toDiffResult,
    unknownReplaceWarnings, UserError,
} from "../lifecycle/common";
import { type CreateOutcome, createOnce, looksOfGroup } from "../lifecycle/createOnce";
import { diffRulesOf, inputNames } from "../lifecycle/declaration";
import { type Kind, type Props, lifecycle } from "../lifecycle/lifecycle";
import { FILE_VIEWS, type LookKind, type LookWait, lookOutputs, waitIsOver } from "./looks";
import { FAILED_ADVICE, consentDeclinedWarning, targetedUp, tellMoved } from "../lifecycle/messages";
import { checkKeyAndGroup } from "./preflight";

/** What a change of each input does (the kind's declaration); files compare by what HeyGen gets. */
export function lookDiffRules(kind: LookKind): DiffRules {
    return diffRulesOf(kind.declaration, FILE_VIEWS);
}

/** A look's diff, from its old state (outputs: HeyGen's view plus what was declared) and its new inputs. */
export function decideLookDiff(kind: LookKind, olds: Props, news: Props) {
    const warnings: string[] = [];
    const d = decideDiff(olds, news, lookDiffRules(kind));
    // A prompt look's name: HeyGen cannot rename it, in either direction.
    if (!kind.renamable) {
        switch (decideFixedName(olds.declaredName, olds.name, news.name)) {
            case "record":
                d.changes = true;
                d.changed.push("name");
                break;
            case "drift":
                warnings.push(
                    `${kind.title} "${String(news.name)}" is named "${String(olds.name)}" in HeyGen (renamed outside this program). HeyGen cannot rename ` +
                        `${kind.title}s, so nothing is changed: set name to "${String(olds.name)}" to accept it (a new name would replace the look)`,
                );
                break;
            case "replace":
                d.changes = true;
                d.changed.push("name");
                d.replaces.push("name");
                break;
        }
    }
    // A look whose training failed stays as it is (recorded as failed) until its inputs change or the user
    // asks for a new one with `pulumi up --replace`: every create costs credits.
    if (hiddenChanged(olds, news) && !d.changes) {
        d.changes = true;
        d.changed.push("__urn");
    }
    return { ...toDiffResult(d), warnings };
}

export interface MadeLook {
    outcome: CreateOutcome<CreateAvatarResponse["data"]>;
    /** Assets uploaded for the look's files (local paths, base64). */
    uploadedAssetIds: string[];
}

/**
 * Makes a look in an existing group once (createOnce: a key from `identity`, the journal, looking before
 * sending again): a look resource's create, and a group's first look made again after it was deleted in
 * HeyGen. `source` holds the kind's source inputs; uploads made for a create that failed are released.
 */
export async function createLookOnce(
    api: HeyGenClient, kind: LookKind,
    spec: { identity: unknown; groupId: string; name: string; source: Props; keyInputs: unknown },
): Promise<MadeLook> {
    const { groupId, name } = spec;
    let prepared: Awaited<ReturnType<LookKind["createBody"]>> | undefined;
    try {
        const outcome = await createOnce({
            identity: spec.identity,
            keyInputs: spec.keyInputs,
            want: { name, type: kind.avatarType },
            list: async () => (await looksOfGroup(api, groupId)).map((l) => ({ id: l.id, name: l.name, type: l.avatar_type })),
            async byId(id) {
                const l = await orGone(() => api.getLook(id));
                return l && l.group_id === groupId ? { id: l.id, name: l.name, type: l.avatar_type } : undefined;
            },
            timed: false,
            async send(key) {
                prepared ??= await kind.createBody(spec.source, api, key);
                return api.createAvatar({ type: kind.createType, name, avatar_group_id: groupId, ...prepared.body } as CreateAvatarRequest, key, { lookBeforeResend: true });
            },
            idOf: (c) => c.avatar_item.id,
            exists: async (c) => (await orGone(() => api.getLook(c.avatar_item.id))) !== undefined,
            stillRunningMs: api.timeoutMs("writeMs"),
        });
        return { outcome, uploadedAssetIds: prepared?.uploadedAssetIds ?? [] };
    } catch (e) {
        await releaseAssets(api, prepared?.uploadedAssetIds, "gone"); // no look was made from them
        throw e;
    }
}

/** A look kind's lifecycle: the one of every resource, with the look's API calls. */
export function lookHandlers(kind: LookKind) {
    return lifecycle(lookLifecycle(kind));
}

export function lookLifecycle(kind: LookKind): Kind<AvatarLookItem> {
    const describe = (inputs: Props) => `${kind.title} "${inputs.name}"`;
    const waitFor = (inputs: Props) => (inputs.waitFor as LookWait | undefined) ?? kind.defaultWait;
    const timeoutMs = (inputs: Props) => ((inputs.timeoutSeconds as number | undefined) ?? kind.defaultTimeoutSeconds) * 1000;
    const names = inputNames(kind.declaration);
    const stored = (inputs: Props) => pick(inputs, names);
    const hasSource = (inputs: Props) => inputs[kind.sourceInput] !== undefined && inputs[kind.sourceInput] !== null;

    return {
        declaration: kind.declaration,
        describe,
        validate(news, failures, adopting) {
            checkId(news.groupId, "groupId", failures, true);
            checkName(news.name, "name", failures);
            checkId(news.adoptLookId, "adoptLookId", failures, false);
            checkWaitInputs(news, ["created", "trained"], failures);
            checkForceDestroy(news, failures);
            return kind.checkSource(news, failures, adopting);
        },
        preflight: checkKeyAndGroup,
        claims(inputs, id) {
            if (id === undefined) {
                // Two looks of one group with one name: a killed run's look is found again by its name.
                const twin = claim(nameKey(inputs.groupId, inputs.name), inputs.__identity);
                return twin ? [{ property: "name", reason: `"${String(inputs.name)}" is also the name of a look managed by ${describeIdentity(twin)} in group ${String(inputs.groupId)}: give the looks of a group distinct names` }] : [];
            }
            const other = claim(id, inputs.__identity) ?? claim(nameKey(inputs.groupId, inputs.name), inputs.__identity);
            return other
                ? [{ property: "adoptLookId", reason: `${describe(inputs)} (${id}) is also managed by ${describeIdentity(other)}: two resources managing one look would delete it under each other; remove one of them (or its adoptLookId)` }]
                : [];
        },
        source: { input: kind.sourceInput, declared: hasSource, required: "is required to make the look (only an adopted look, with adoptLookId, may leave it out)" },
        adoption: {
            input: "adoptLookId",
            plan: (api, inputs) => lookAdoption(api, inputs),
            async take(api, inputs, look) {
                if (look.name === inputs.name) return look;
                if (!kind.renamable) throw new UserError(`adoptLookId: look ${look.id} is named "${look.name}" and ${kind.title} names cannot change; set name to "${look.name}"`);
                return api.renameLook(look.id, inputs.name as string);
            },
        },
        decide: (olds, news) => decideLookDiff(kind, olds, news),
        diffWarnings(id, olds, news) {
            const declined = consentDeclinedWarning(describe(news), id, olds);
            const { replaces } = decideLookDiff(kind, olds, news);
            return [...(declined ? [declined] : []), ...unknownReplaceWarnings(describe(news), replaces, news)];
        },
        async make(api, inputs) {
            const groupId = inputs.groupId as string;
            const { outcome, uploadedAssetIds } = await createLookOnce(api, kind, {
                identity: inputs.__identity, groupId, name: inputs.name as string, source: inputs,
                keyInputs: pick(inputs, ["groupId", "name", ...kind.sourceInputs]),
            });
            if ("created" in outcome) return { id: outcome.created.avatar_item.id, obj: outcome.created.avatar_item, uploadedAssetIds };
            try {
                return { id: outcome.found.id, obj: await api.getLook(outcome.found.id), uploadedAssetIds };
            } catch (e) {
                // It exists: the journal of creates names it, and the next `up` takes it.
                await releaseAssets(api, uploadedAssetIds, "gone");
                throw e;
            }
        },
        wait: {
            what: "training",
            // A twin waiting for consent ends the wait at once: consent needs a person, and the ConsentRequest
            // that asks for it may only be created after this resource.
            wanted: (inputs) => waitFor(inputs) === "trained",
            over: (l) => waitIsOver(l.status),
            reread: (api, l) => api.getLook(l.id),
            status: (l) => l.status ?? "unknown",
            timeoutMs,
            ranOut: (l, inputs) =>
                `${describe(inputs)} is still ${l.status} after ${timeoutMs(inputs) / 1000} s; it is recorded in state. ` +
                "Run `pulumi up` again to keep waiting, raise timeoutSeconds, or set waitFor: \"created\"",
        },
        failed: (l, inputs) =>
            l.status !== "failed" ? undefined :
                `${describe(inputs)} (${l.id}) failed to train: ${l.error?.message ?? "no reason given"}${l.error?.code ? ` (${l.error.code})` : ""}. ${FAILED_ADVICE}`,
        notice: (l, inputs) =>
            l.status === "pending_consent" ? `${describe(inputs)} waits for consent; approve it through a ConsentRequest's url, then \`pulumi refresh\`` : undefined,
        outputs: (inputs, l, extra) => ({ ...stored(inputs), ...lookOutputs(l), declaredName: inputs.name, ...extra }),

        async read(api, id, props) {
            const look = await readLook(api, id, props.groupId);
            if (!look) return undefined;
            const declaredName = (props.declaredName ?? props.name) as string;
            const outs = { ...props, ...lookOutputs(look), declaredName };
            // The inputs that describe what exists now, so a later preview shows real drift and nothing else:
            // a renamed photo or twin look is renamed back; a prompt look cannot be, so its declared name stays.
            const inputs = { ...stored(props), name: kind.renamable ? look.name : declaredName, groupId: look.group_id };
            if (!kind.renamable && look.name !== declaredName) {
                await warn(`${kind.title} "${declaredName}" (${id}) was renamed to "${look.name}" outside this program; HeyGen cannot rename it back, so \`up\` leaves it: set name to "${look.name}" to accept it`, props.__urn);
            }
            await tellMoved(props, outs);
            return { props: outs, inputs };
        },

        async apply(api, id, olds, news) {
            const look = kind.renamable && olds.name !== news.name ? await api.renameLook(id, news.name as string) : await api.getLook(id);
            return { obj: look, extra: olds.uploadedAssetIds ? { uploadedAssetIds: olds.uploadedAssetIds } : {} };
        },

        async remove(api, id, props) {
            // HeyGen deletes a group with its last look: never take a group this look does not own with it.
            const groupId = props.forceDestroy ? undefined : typeof props.groupId === "string" ? props.groupId : (await orGone(() => api.getLook(id)))?.group_id;
            const group = groupId ? await orGone(() => api.getGroup(groupId)) : undefined;
            if (group && group.looks_count <= 1) {
                const still = await orGone(() => api.getLook(id));
                if (still && still.group_id === group.id) {
                    throw new UserError(
                        `${kind.title} "${still.name}" (${id}) is the last look of avatar group "${group.name}" (${group.id}), and HeyGen deletes a group ` +
                            "with its last look. Deleting it would delete the group too. Delete the group instead, add another look to it first, " +
                            `or set forceDestroy: true on this look and apply that alone with \`${targetedUp(props.__urn)}\` (a plain \`pulumi up\` after ` +
                            "a partial destroy would create again what the destroy already deleted), then run the destroy again to delete both",
                    );
                }
            }
            await orGone(() => api.deleteLook(id));
            await releaseAssets(api, props.uploadedAssetIds, "gone", true);
        },
    };

    /**
     * What adopting `adoptLookId` means, with reads only: take the look (after checking it is the one
     * declared: type, group, name, owned by no other resource), make one from the source instead (it is
     * gone, or it is this resource's own object being replaced), or a failure naming what to change.
     * `check` reports it at preview; `create` acts on it.
     */
    async function lookAdoption(api: HeyGenClient, inputs: Props): Promise<{ plan: AdoptionPlan; obj?: AvatarLookItem; failures: Failure[]; warnings: string[] }> {
        const id = inputs.adoptLookId as string;
        const look = await orGone(() => api.getLook(id));
        const plan = planAdoption({
            what: describe(inputs), adoptInput: "adoptLookId", adoptId: id, sourceInput: kind.sourceInput, hasSource: hasSource(inputs),
            exists: !!look, ownedBefore: ownedBefore(inputs.__identity, id),
        });
        const failures: Failure[] = [];
        const warnings: string[] = [];
        if (plan.action === "fail") failures.push({ property: plan.property, reason: plan.reason });
        if (plan.action === "create") warnings.push(plan.warning);
        if (plan.action !== "adopt" || !look) return { plan, failures, warnings };
        if (look.avatar_type !== kind.avatarType) {
            failures.push({ property: "adoptLookId", reason: `look ${id} is a ${look.avatar_type}, not a ${kind.avatarType}: declare it with the matching resource` });
        } else if (!isUnknown(inputs.groupId) && look.group_id !== inputs.groupId) {
            // What is not known yet (a group adopted in the same run) is checked by `up`.
            failures.push({ property: "groupId", reason: `look ${id} belongs to group ${look.group_id}, not ${String(inputs.groupId)}: set groupId to ${look.group_id}` });
        } else if (!isUnknown(inputs.name) && look.name !== inputs.name) {
            failures.push({ property: "name", reason: `look ${id} is named "${look.name}": declare that name to adopt it as it is${kind.renamable ? " (rename it afterwards with an update)" : ""}` });
        }
        const other = claim(id, inputs.__identity);
        if (other) {
            failures.push({ property: "adoptLookId", reason: `look ${id} is managed by ${describeIdentity(other)} in this stack already: two resources managing one look would delete it under each other; adopt it once` });
        }
        // HeyGen's answer does not tell a look generated from a prompt from one trained on a photo.
        if (kind.createType === "prompt") {
            warnings.push(`${describe(inputs)}: HeyGen's answer does not say whether look ${id} (${look.avatar_type}) was generated from a prompt or trained on a photo: ` +
                "make sure it is a prompt look (a photo look belongs in a PhotoLook, which can be renamed in place)");
        }
        return { plan, obj: look, failures, warnings };
    }
}
