// ConsentRequest: asks the person in a digital twin's footage for consent. HeyGen answers with a URL the
// person opens to record it; until they approve, the group's digital twins stay `pending_consent`. The URL
// is a secret output. HeyGen has no call to withdraw a request, so deleting one only forgets it.
import * as pulumi from "@pulumi/pulumi";
import type { AvatarGroupItem, ConsentStatus } from "../../api/schema";
import { LIMITS } from "../../api/constants";
import { BadRequestError, newIdempotencyKey } from "../client";
import { client } from "../keys";
import { HeyGenResource, derive, type Outputs } from "../lifecycle/resource";
import { type Failure, charCount, checkId, checkWaitInputs, decideDiff, isUnknown, orGone, pick, toDiffResult, unknownReplaceWarnings, UserError } from "../lifecycle/common";
import { type Declaration, type InputTable, type OutputSeed, diffRulesOf } from "../lifecycle/declaration";
import { type Kind, lifecycle } from "../lifecycle/lifecycle";
import { tellMoved } from "../lifecycle/messages";
import { checkKeyAndGroup } from "./preflight";

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

/** A ConsentRequest's inputs, each with what its change does, and its outputs (`url` a secret). */
export const consentRequestDeclaration = {
    kind: "consentRequest",
    type: "ConsentRequest",
    inputs: {
        groupId: "replaces", rerouteUrl: "replaces", consentText: "replaces", waitFor: "updates", timeoutSeconds: "updates",
    } satisfies InputTable<ConsentRequestArgs>,
    /** `groupId` is the declared group (the class sets it). */
    outputs: { url: undefined, consentStatus: undefined } satisfies OutputSeed<ConsentRequestOutputs, "groupId">,
    secretOutputs: ["url"],
} as const satisfies Declaration<ConsentRequestArgs, ConsentRequestOutputs, "groupId">;

// Consent requests keep no identity (nothing is found again by it); 0.1.0 states have none.
const INPUTS = Object.keys(consentRequestDeclaration.inputs);
const RULES = diffRulesOf(consentRequestDeclaration);
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

/** A consent request as the lifecycle sees it: its group (whose consent status it is) and the page's url. */
interface Asked {
    group: AvatarGroupItem;
    url: string | null;
}

const describe = (inputs: Record<string, unknown>) => `the consent request for avatar group ${String(inputs.groupId)}`;
const timeoutMs = (inputs: Record<string, unknown>) => ((inputs.timeoutSeconds as number | undefined) ?? 3600) * 1000;

export const consentKind: Kind<Asked> = {
    declaration: consentRequestDeclaration,
    describe,
    validate(news, failures) {
        failures.push(...checkConsentInputs(news));
        return {};
    },
    async preflight(olds, inputs) {
        // With reads only: the key, and that the group exists and is the account's own.
        const failures = await checkKeyAndGroup(olds, inputs);
        // HeyGen asks consent for digital twins only: a group known to hold none fails at `up` (the usual
        // cause: a twin of the same run, which `groupId: twin.groupId` orders before the request).
        const groupId = inputs.groupId;
        if (failures.length === 0 && typeof groupId === "string" && !isUnknown(groupId) && olds?.groupId !== groupId) {
            const group = await orGone(() => client().getGroup(groupId));
            if (group && group.consent_status === null) failures.push({ property: "groupId", reason: noTwinYet(groupId) });
        }
        return failures;
    },
    // Nothing to make it from: a request needs only its group.
    source: { input: "groupId", declared: () => true, required: "" },
    decide: (olds, news) => ({ ...decideConsentDiff(olds, news), warnings: [] }),
    diffWarnings: (_id, olds, news) => unknownReplaceWarnings(describe(olds), decideConsentDiff(olds, news).replaces, news),

    async make(api, inputs) {
        const groupId = inputs.groupId as string;
        const group = await orGone(() => api.getGroup(groupId));
        if (!group) throw new Error(`groupId: no avatar group ${groupId} exists`);
        // Consent already given (or waived): nothing to ask; adopt it as it is.
        if (DECIDED.includes(group.consent_status ?? "") && group.consent_status !== "rejected") {
            return { id: consentId(groupId), obj: { group, url: null }, uploadedAssetIds: [] };
        }
        const res = await api.requestConsent(
            groupId,
            { ...(inputs.rerouteUrl ? { reroute_url: inputs.rerouteUrl as string } : {}), ...(inputs.consentText ? { consent_text: inputs.consentText as string } : {}) },
            newIdempotencyKey(),
        ).catch((e) => {
            // No twin in the group yet (HeyGen reports no consent status then): usually a twin of this
            // same run not created yet. Say how to order them.
            if (e instanceof BadRequestError && group.consent_status === null) throw new UserError(`groupId ${noTwinYet(groupId)} (${e.message})`);
            throw e;
        });
        // HeyGen issued the request: from here on it is recorded with its url, whatever fails next.
        return { id: consentId(groupId), obj: { group: res.avatar_group, url: res.url ?? null }, uploadedAssetIds: [] };
    },
    wait: {
        what: "waiting for consent",
        wanted: (inputs) => inputs.waitFor === "approved",
        over: (a) => DECIDED.includes(a.group.consent_status ?? ""),
        reread: async (api, a) => ({ ...a, group: await api.getGroup(a.group.id) }),
        status: (a) => a.group.consent_status ?? "not requested",
        timeoutMs,
        ranOut: (a, inputs) =>
            `consent for avatar group ${a.group.id} is still ${a.group.consent_status} after ${timeoutMs(inputs) / 1000} s; it is recorded in state with its url. ` +
            "Run `pulumi up` again to keep waiting, or set waitFor: \"requested\"",
    },
    failed: (a) => (a.group.consent_status === "rejected" ? `consent for avatar group ${a.group.id} was declined; the next \`pulumi up\` asks again` : undefined),
    outputs: (inputs, a) => outsOf(inputs, a.group, a.url),

    async read(api, _id, props) {
        const group = await orGone(() => api.getGroup(props.groupId as string));
        if (!group) return undefined;
        const outs = { ...props, consentStatus: group.consent_status };
        await tellMoved(props, outs);
        return { props: outs, inputs: pick(props, INPUTS) };
    },
    async apply(api, _id, olds, news) {
        return { obj: { group: await api.getGroup(news.groupId as string), url: (olds.url as string | null) ?? null }, extra: {} };
    },
    async remove() {
        // HeyGen has no call to withdraw a consent request: forgetting it is all there is to do.
    },
};

export const consentRequestHandlers = lifecycle(consentKind);

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

export interface ConsentRequest extends Outputs<ConsentRequestOutputs> {}

/** Asks the person in a group's digital twin footage for consent; `url` (secret) is the page they open. */
export class ConsentRequest extends HeyGenResource {
    constructor(name: string, args: ConsentRequestArgs, opts?: pulumi.CustomResourceOptions) {
        super(consentRequestDeclaration, name, { ...args }, opts);
        derive<ConsentRequest>(this, { groupId: this.urn.apply(() => pulumi.output(args.groupId)) });
    }
}
