// ConsentRequest: asks the person in a digital twin's footage for consent. HeyGen answers with a URL the
// person opens to record it; until they approve, the group's digital twins stay `pending_consent`. The URL
// is a secret output. HeyGen has no call to withdraw a request, so deleting one only forgets it.
import * as pulumi from "@pulumi/pulumi";
import type { AvatarGroupItem, ConsentStatus } from "../../api/schema";
import { LIMITS } from "../../api/constants";
import { BadRequestError, type HeyGenClient, newIdempotencyKey } from "../client";
import { client } from "../config";
import { HeyGenResource, type OutputSeed, derive, type Outputs } from "./resource";
import {
    type Failure, PartialCreateError, charCount, checkId, checkWaitInputs, decideDiff, explain, isUnknown, orGone, partialCreate,
    pick, toDiffResult, unknownReplaceWarnings, UserError, waitUntil, withoutUndefined,
} from "./common";
import { warn } from "../progress";
import { checkKeyAndGroup, tellMoved } from "./looks";

export type ConsentWait = "requested" | "approved";

export interface ConsentRequestArgs {
    /** The group whose digital twins need consent. */
    groupId: pulumi.Input<string>;
    /** Where the person lands after answering (https). */
    rerouteUrl?: pulumi.Input<string>;
    /** Custom consent statement (≤ 1000 characters, no `<` or `>`; HeyGen enterprise accounts). */
    consentText?: pulumi.Input<string>;
    /** `requested` (default): return with the URL; `approved`: also wait until the person approved. */
    waitFor?: pulumi.Input<ConsentWait>;
    /** How long to wait for approval (default 3600). */
    timeoutSeconds?: pulumi.Input<number>;
}

const INPUTS = ["groupId", "rerouteUrl", "consentText", "waitFor", "timeoutSeconds"] as const;
const RULES = { replacing: ["groupId", "rerouteUrl", "consentText"], updatable: ["waitFor", "timeoutSeconds"] };
const DECIDED = ["approved", "rejected", "skipped"];

export function decideConsentDiff(olds: Record<string, unknown>, news: Record<string, unknown>) {
    // A declined request is asked again on the next `up`.
    const r = toDiffResult(decideDiff(olds, news, RULES), olds.consentStatus === "rejected" ? "consentStatus" : undefined);
    // HeyGen keeps one consent request per group: the old one goes first.
    return { ...r, deleteBeforeReplace: true };
}

/**
 * A request's id: its group and when it was asked. HeyGen gives a consent request no id of its own; a new
 * request (`pulumi up --replace`, a changed input) gets a new one, so the engine never takes it for the old.
 * Ids of 0.1.0 (`<group>/consent`) keep working: nothing reads the id.
 */
const consentId = (groupId: string) => `${groupId}/consent/${Date.now().toString(36)}`;

const noTwinYet = (groupId: string) =>
    `avatar group ${groupId} holds no digital twin, and HeyGen asks for consent only for digital twins. Give the ConsentRequest ` +
    "the twin's group as `groupId: twin.groupId` (a DigitalTwinLook's groupId, which orders it after the twin), or add the twin first";

export function checkConsentInputs(news: Record<string, unknown>): Failure[] {
    const failures: Failure[] = [];
    checkId(news.groupId, "groupId", failures, true);
    checkWaitInputs(news, ["requested", "approved"], failures);
    const r = news.rerouteUrl;
    if (r !== undefined && !isUnknown(r)) {
        let ok = false;
        try {
            ok = new URL(String(r)).protocol === "https:";
        } catch { /* not a URL */ }
        if (!ok) failures.push({ property: "rerouteUrl", reason: `'${String(r)}' is not an https URL` });
    }
    const t = news.consentText;
    if (t !== undefined && !isUnknown(t)) {
        if (typeof t !== "string" || t.trim() === "") failures.push({ property: "consentText", reason: "must be a non-empty string" });
        else if (charCount(t) > LIMITS.consentTextMax) failures.push({ property: "consentText", reason: `is ${charCount(t)} characters; HeyGen allows at most ${LIMITS.consentTextMax}` });
        else if (/[<>]/.test(t)) failures.push({ property: "consentText", reason: "must not contain < or >" });
    }
    return failures;
}

const outsOf = (inputs: Record<string, unknown>, g: AvatarGroupItem, url: string | null) => ({
    ...pick(inputs, INPUTS),
    groupId: g.id,
    url,
    consentStatus: g.consent_status,
});

export const consentRequestHandlers = {
    async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
        const failures = checkConsentInputs(news);
        const inputs = withoutUndefined(news);
        // With reads only: the key, and that the group exists and is the account's own.
        if (failures.length === 0) failures.push(...(await checkKeyAndGroup(olds, inputs)));
        // HeyGen asks consent for digital twins only: a group known to hold none fails at `up` (the usual
        // cause: a twin of the same run, which `groupId: twin.groupId` orders before the request).
        const groupId = inputs.groupId;
        if (failures.length === 0 && typeof groupId === "string" && !isUnknown(groupId) && olds?.groupId !== groupId) {
            const group = await orGone(() => client().getGroup(groupId));
            if (group && group.consent_status === null) failures.push({ property: "groupId", reason: noTwinYet(groupId) });
        }
        return { inputs, failures };
    },

    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const r = decideConsentDiff(olds, news);
        for (const w of unknownReplaceWarnings(`the consent request for avatar group ${String(olds.groupId)}`, r.replaces, news)) await warn(w);
        return r;
    },

    async create(inputs: Record<string, unknown>) {
        const api = client();
        const groupId = inputs.groupId as string;
        let res: Awaited<ReturnType<HeyGenClient["requestConsent"]>>;
        try {
            const group = await orGone(() => api.getGroup(groupId));
            if (!group) throw new Error(`groupId: no avatar group ${groupId} exists`);
            // Consent already given (or waived): nothing to ask; adopt it as it is.
            if (DECIDED.includes(group.consent_status ?? "") && group.consent_status !== "rejected") {
                return { id: consentId(groupId), outs: outsOf(inputs, group, null) };
            }
            res = await api.requestConsent(
                groupId,
                { ...(inputs.rerouteUrl ? { reroute_url: inputs.rerouteUrl as string } : {}), ...(inputs.consentText ? { consent_text: inputs.consentText as string } : {}) },
                newIdempotencyKey(),
            ).catch((e) => {
                // No twin in the group yet (HeyGen reports no consent status then): usually a twin of this
                // same run not created yet. Say how to order them.
                if (e instanceof BadRequestError && group.consent_status === null) throw new UserError(`groupId ${noTwinYet(groupId)} (${e.message})`);
                throw e;
            });
        } catch (e) {
            throw explain(e, `requesting consent for avatar group ${groupId}`);
        }
        // HeyGen issued the request: from here on it is recorded with its url, whatever fails next.
        const id = consentId(groupId);
        try {
            return await settle(api, res.avatar_group, res.url ?? null, inputs, id);
        } catch (e) {
            if (e instanceof PartialCreateError) throw e;
            throw partialCreate(
                `consent for avatar group ${groupId} was requested, then: ${explain(e, "waiting for it").message}. It is recorded in state with its url`,
                id, outsOf(inputs, res.avatar_group, res.url ?? null), inputs,
            );
        }
    },

    async read(id: string, props: Record<string, unknown>) {
        const group = await orGone(() => client().getGroup(props.groupId as string));
        if (!group) return {};
        const outs = { ...props, consentStatus: group.consent_status };
        await tellMoved(props, outs);
        return { id, props: outs, inputs: pick(props, INPUTS) };
    },

    async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const api = client();
        try {
            const group = await api.getGroup(news.groupId as string);
            return { outs: (await settle(api, group, (olds.url as string | null) ?? null, news, id)).outs };
        } catch (e) {
            throw explain(e, `updating the consent request for avatar group ${news.groupId}`);
        }
    },

    async delete() {
        // HeyGen has no call to withdraw a consent request: forgetting it is all there is to do.
    },
};

async function settle(api: HeyGenClient, group: AvatarGroupItem, url: string | null, inputs: Record<string, unknown>, id: string) {
    if (inputs.waitFor !== "approved" || DECIDED.includes(group.consent_status ?? "")) return finish(group);
    const timeoutMs = ((inputs.timeoutSeconds as number | undefined) ?? 3600) * 1000;
    const r = await waitUntil(() => api.getGroup(group.id), (g) => DECIDED.includes(g.consent_status ?? ""), timeoutMs, undefined, { what: "waiting for consent", status: (g) => g.consent_status ?? "not requested", urn: inputs.__urn });
    if (!r.done) {
        throw partialCreate(
            `consent for avatar group ${group.id} is still ${r.value.consent_status} after ${timeoutMs / 1000} s; it is recorded in state with its url. ` +
                "Run `pulumi up` again to keep waiting, or set waitFor: \"requested\"",
            id, outsOf(inputs, r.value, url), inputs,
        );
    }
    return finish(r.value);

    function finish(g: AvatarGroupItem) {
        if (g.consent_status === "rejected") {
            throw partialCreate(`consent for avatar group ${g.id} was declined; the next \`pulumi up\` asks again`, id, outsOf(inputs, g, url), inputs);
        }
        return { id, outs: outsOf(inputs, g, url) };
    }
}

/** What a ConsentRequest outputs. */
export interface ConsentRequestOutputs {
    /**
     * The group whose consent is asked: the declared group (a different one replaces the request), so it
     * stays known during a preview of an update.
     */
    groupId: string;
    /** The page where the person records consent. A secret: anyone with it can answer. Null when consent was already given. */
    url: string | null;
    /** `pending`, `approved`, `rejected` (asked again by the next `up`), or `skipped` where consent is waived. */
    consentStatus: ConsentStatus | null;
}

const OUTPUT_SEED: OutputSeed<ConsentRequestOutputs, "groupId"> = { url: undefined, consentStatus: undefined };

export interface ConsentRequest extends Outputs<ConsentRequestOutputs> {}

/** Asks the person in a group's digital twin footage for consent; `url` (secret) is the page they open. */
export class ConsentRequest extends HeyGenResource {
    constructor(name: string, args: ConsentRequestArgs, opts?: pulumi.CustomResourceOptions) {
        const secret = { additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "url"] };
        super("consentRequest", "ConsentRequest", name, { ...OUTPUT_SEED, ...args }, { ...opts, ...secret });
        derive<ConsentRequest>(this, { groupId: this.urn.apply(() => pulumi.output(args.groupId)) });
    }
}
