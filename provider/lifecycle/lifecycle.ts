// The one lifecycle of every resource kind, written once:
// - check: the kind's pure validation, then with reads only what `up` would fail on (the key, what the
//   resource joins, what it adopts, a missing source);
// - diff: the kind's decision, refused when a replacement cannot be made (adopted without a source, or the
//   adoption id naming this very object), or when another resource manages the same object;
// - create: adopt, or make the object once (the kind's `make` goes through createOnce), then wait as
//   `waitFor` says; once the object exists, every failure is a partial create that records it in state;
// - read (drift), update in place (then wait), delete.
// A kind supplies its declaration and its API calls (`Kind`); the lifecycle adds nothing to what it sends.
import type { dynamic } from "@pulumi/pulumi";
import type { HeyGenClient } from "../client";
import { client } from "../keys";
import { warn } from "../progress";
import { type AdoptionPlan } from "./adoption";
import {
    type Failure, PartialCreateError, adoptionBlocksReplace, explain, isUnknown, partialCreate,
    sourceBlocksReplace, UserError, waitUntil, withoutUndefined,
} from "./common";
import { type Declaration, inputNames } from "./declaration";
import { memory } from "../memory";
import { journal, withAssetsReleased } from "./uploadedAssets";

export type Props = Record<string, unknown>;

/** What waiting means for a kind (training, consent): polled until over, or until its deadline. */
export interface Waiting<Obj> {
    /** `training`, `waiting for consent`: what the progress line says is waited for. */
    what: string;
    /** Whether `waitFor` asks to wait beyond the create. */
    wanted(inputs: Props): boolean;
    /** Whether there is nothing (more) to wait for. */
    over(obj: Obj): boolean;
    /** The object read again. */
    reread(api: HeyGenClient, obj: Obj): Promise<Obj>;
    status(obj: Obj): string;
    timeoutMs(inputs: Props): number;
    /** The message of a wait that ran out (it is recorded in state and the next `up` goes on waiting). */
    ranOut(obj: Obj, inputs: Props): string;
}

/** An adoption id: the object taken under management instead of made (see adoption.ts). */
export interface Adoption<Obj> {
    /** `adoptLookId`, `adoptGroupId`. */
    input: string;
    /** Whether the inputs are known enough to plan at preview (default: yes once the id is known). */
    ready?(inputs: Props): boolean;
    /** With reads only: adopt, make from the source, or failures naming what to change. */
    plan(api: HeyGenClient, inputs: Props): Promise<{ plan: AdoptionPlan; obj?: Obj; failures: Failure[]; warnings: string[] }>;
    /** Takes the object as planned (renamed to the declared name where it may be). */
    take(api: HeyGenClient, inputs: Props, obj: Obj): Promise<Obj>;
}

export interface Kind<Obj> {
    declaration: Declaration<any, any, any>;
    /** `photo look "Casual"`: the resource in messages. */
    describe(inputs: Props): string;
    /**
     * Pure: checks the inputs into `failures` (with checkWaitInputs and checkForceDestroy where the kind has
     * them); answers their normalized values (file sources hashed). `adopting`: the source may be absent.
     */
    validate(news: Props, failures: Failure[], adopting: boolean): Props;
    /** With reads only, at preview: the key (checkKey) and what else `up` would fail on (the group it joins). */
    preflight(olds: Props | undefined, inputs: Props): Promise<Failure[]>;
    /** Failures of two resources managing one object (owners.ts): in check (`id` undefined) and in diff. */
    claims?(inputs: Props, id?: string, olds?: Props): Failure[];
    /**
     * The input a new object is made from, whether it is declared (an adopted object may have none; an
     * unknown one counts as declared), and the failure's reason when a create lacks it.
     */
    source: { input: string | ((inputs: Props) => string); declared(inputs: Props): boolean; required: string };
    adoption?: Adoption<Obj>;
    /** Pure: the diff, and warnings for the resource's row. `remake`: inputs to make again though unchanged. */
    decide(olds: Props, news: Props): { changes?: boolean; replaces: string[]; deleteBeforeReplace: boolean; warnings: string[]; remake?: string[] };
    /** Warnings `diff` adds from the old state (a declined consent). */
    diffWarnings?(id: string, olds: Props, news: Props): string[];
    /** Makes the object once (createOnce); `known`: what to record should anything fail after it exists. */
    make(api: HeyGenClient, inputs: Props): Promise<{ id: string; obj: Obj; uploadedAssetIds: string[] }>;
    /** Before waiting, once the object exists (its failures are recorded): a found first look renamed as declared. */
    prepare?(api: HeyGenClient, id: string, obj: Obj, inputs: Props): Promise<Obj>;
    wait?: Waiting<Obj>;
    /** After waiting: the object as it is reported (a group read afresh, its status follows its looks). */
    finish?(api: HeyGenClient, id: string, obj: Obj, inputs: Props): Promise<Obj>;
    /** After waiting: why the object failed (recorded in state, never made again by itself), if it did. */
    failed?(obj: Obj, inputs: Props): string | undefined;
    /** After waiting: a note for the user (a twin waiting for consent). */
    notice?(obj: Obj, inputs: Props): string | undefined;
    outputs(inputs: Props, obj: Obj, extra: Props): Props;
    /** What a refresh finds: the new outputs and the inputs that describe what exists now; undefined when gone. */
    read(api: HeyGenClient, id: string, props: Props): Promise<{ props: Props; inputs: Props } | undefined>;
    /** Applies an update in place; `extra` is carried into the outputs (uploaded asset ids). */
    apply(api: HeyGenClient, id: string, olds: Props, news: Props): Promise<{ obj: Obj; extra: Props }>;
    /** The outputs to record when something fails once a create made the object (default: `outputs`). */
    recordCreate?(inputs: Props, obj: Obj, extra: Props): Props;
    /** The outputs to record when waiting after an update fails (the update itself is applied). */
    recordUpdate?(olds: Props, news: Props, obj: Obj, extra: Props): Props;
    remove(api: HeyGenClient, id: string, props: Props): Promise<void>;
}

/** What the engine calls: the SDK's dynamic-provider contract (checked below), with what these handlers always answer. */
export interface Handlers {
    check(olds: Props, news: Props): Promise<{ inputs: Props; failures: Failure[] }>;
    diff(id: string, olds: Props, news: Props): Promise<{ changes?: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
    create(inputs: Props): Promise<{ id: string; outs: Props }>;
    read(id: string, props?: Props): Promise<{ id?: string; props?: Props; inputs?: Props }>;
    update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
    delete(id: string, props: Props): Promise<void>;
}
// Fails to compile should the handlers stop meeting the SDK's `ResourceProvider` (inputs and outputs as the engine holds them: plain values).
export const meetsSdkContract = (h: Handlers): Required<Omit<dynamic.ResourceProvider<Props, Props>, "configure">> => h;

/** Any create, update or delete: what a refresh listed may have changed (the look listings of lookReads.ts). */
const forgetReads = () => memory.listings.clear();

const uploadsOf = (ids: string[] | undefined): Props => (ids?.length ? { uploadedAssetIds: ids } : {});

/** The handlers of a kind: the same lifecycle for every one. */
export function lifecycle<Obj>(kind: Kind<Obj>): Handlers {
    const names = inputNames(kind.declaration);
    const { describe } = kind;

    /** Waits per `waitFor`; an unfinished wait or a failed object becomes a partial create that keeps it in state. */
    async function settle(api: HeyGenClient, id: string, obj: Obj, inputs: Props, extra: Props): Promise<{ id: string; outs: Props }> {
        let current = kind.prepare ? await kind.prepare(api, id, obj, inputs) : obj;
        const w = kind.wait;
        if (w && w.wanted(inputs) && !w.over(current)) {
            const r = await waitUntil(() => w.reread(api, current), (o) => w.over(o), w.timeoutMs(inputs), undefined, { what: w.what, status: (o) => w.status(o), urn: inputs.__urn });
            current = r.value;
            if (!r.done) {
                if (kind.finish) current = await kind.finish(api, id, current, inputs);
                throw partialCreate(w.ranOut(current, inputs), id, kind.outputs(inputs, current, extra), inputs);
            }
        }
        if (kind.finish) current = await kind.finish(api, id, current, inputs);
        const failed = kind.failed?.(current, inputs);
        if (failed) throw partialCreate(failed, id, kind.outputs(inputs, current, extra), inputs);
        const notice = kind.notice?.(current, inputs);
        if (notice) console.error(`heygen: ${notice}`);
        return { id, outs: kind.outputs(inputs, current, extra) };
    }

    const adoptionId = (inputs: Props) => (kind.adoption ? inputs[kind.adoption.input] : undefined);
    const sourceInput = (inputs: Props) => (typeof kind.source.input === "string" ? kind.source.input : kind.source.input(inputs));

    return {
        async check(olds, news) {
            const failures: Failure[] = [];
            const adopting = adoptionId(news) !== undefined && adoptionId(news) !== null;
            const normalized = kind.validate(news, failures, adopting);
            const inputs = withoutUndefined({ ...news, ...normalized });
            failures.push(...(kind.claims?.(inputs) ?? []));
            // With reads only, what would fail at `up`: the key and what the resource joins, and (only when the
            // resource is created) the object it adopts, or a source to make it from.
            if (failures.length === 0) failures.push(...(await kind.preflight(olds, inputs)));
            const creating = Object.keys(olds ?? {}).length === 0;
            const id = adoptionId(inputs);
            if (failures.length === 0 && creating && kind.adoption && typeof id === "string" && !isUnknown(id) && (kind.adoption.ready?.(inputs) ?? true)) {
                const adoption = await kind.adoption.plan(client(), inputs);
                failures.push(...adoption.failures);
                if (!adoption.failures.length) for (const w of adoption.warnings) await warn(w, inputs.__urn);
            } else if (failures.length === 0 && creating && !isUnknown(id) && !kind.source.declared(inputs)) {
                failures.push({ property: sourceInput(inputs), reason: kind.source.required });
            }
            return { inputs, failures };
        },

        async diff(id, olds, news) {
            const { warnings, remake = [], ...result } = kind.decide(olds, news);
            const what = describe(news);
            const blocked = (kind.adoption && adoptionBlocksReplace(id, result.replaces, news[kind.adoption.input], what, kind.adoption.input)) ??
                sourceBlocksReplace(what, [...result.replaces, ...remake], sourceInput(news), kind.source.declared(news) ? true : undefined);
            if (blocked) throw new UserError(blocked);
            const claimed = kind.claims?.(news, id, olds) ?? [];
            if (claimed.length) throw new UserError(claimed.map((f) => f.reason).join("; "));
            for (const w of [...warnings, ...(kind.diffWarnings?.(id, olds, news) ?? [])]) await warn(w, news.__urn);
            return result;
        },

        async create(inputs) {
            const api = client();
            forgetReads();
            if (kind.adoption && adoptionId(inputs)) {
                let adoption;
                try {
                    adoption = await kind.adoption.plan(api, inputs);
                    if (adoption.failures.length) throw new UserError(adoption.failures.map((f) => `${f.property} ${f.reason}`).join("; "));
                    // Checked as at preview: the object is the one declared.
                    if (adoption.obj !== undefined) {
                        const taken = await kind.adoption.take(api, inputs, adoption.obj);
                        return await settle(api, String(adoptionId(inputs)), taken, inputs, {});
                    }
                } catch (e) {
                    throw explain(e, `creating ${describe(inputs)}`);
                }
                for (const w of adoption.warnings) await warn(w, inputs.__urn);
            }
            if (!kind.source.declared(inputs)) throw new UserError(`creating ${describe(inputs)}: ${sourceInput(inputs)} is needed to make it`);
            // Until HeyGen accepted the create, a failure leaves nothing behind to record.
            let made: Awaited<ReturnType<Kind<Obj>["make"]>>;
            try {
                made = await kind.make(api, inputs);
            } catch (e) {
                throw explain(e, `creating ${describe(inputs)}`);
            }
            // From here on the object exists: whatever fails, it is recorded with its id (a partial create).
            const extra = uploadsOf(made.uploadedAssetIds);
            try {
                return await withAssetsReleased(api, settle(api, made.id, made.obj, inputs, extra));
            } catch (e) {
                if (e instanceof PartialCreateError) throw e;
                journal.forget(made.uploadedAssetIds); // recorded with the partial create
                throw partialCreate(
                    `${describe(inputs)} was created (${made.id}), then: ${explain(e, "waiting for it").message}. It is recorded in state; the next \`pulumi up\` carries on`,
                    made.id, kind.recordCreate?.(inputs, made.obj, extra) ?? kind.outputs(inputs, made.obj, extra), inputs,
                );
            }
        },

        async read(id, props = {}) {
            const found = await kind.read(client(), id, props);
            if (!found) return {};
            return { id, props: found.props, inputs: found.inputs };
        },

        async update(id, olds, news) {
            const api = client();
            forgetReads();
            let applied: { obj: Obj; extra: Props };
            try {
                applied = await kind.apply(api, id, olds, news);
            } catch (e) {
                throw explain(e, `updating ${describe(news)}`);
            }
            // Once the change is applied, it is recorded whatever fails next.
            try {
                return { outs: (await withAssetsReleased(api, settle(api, id, applied.obj, news, applied.extra))).outs };
            } catch (e) {
                if (e instanceof PartialCreateError) throw e;
                const outs = kind.recordUpdate?.(olds, news, applied.obj, applied.extra) ?? kind.outputs(news, applied.obj, applied.extra);
                throw partialCreate(`updating ${describe(news)}: ${explain(e, "waiting for it").message}`, id, outs, news);
            }
        },

        async delete(id, props = {}) {
            forgetReads();
            try {
                await kind.remove(client(), id, props);
            } catch (e) {
                throw explain(e, `deleting ${describe(props)} (${id})`);
            }
        },
    };

}

/** The declared inputs and the hidden identity, as `check` keeps them in state (undefined dropped). */
export function keptInputs(d: Declaration<any, any, any>, inputs: Props): Props {
    const out: Props = {};
    for (const k of inputNames(d)) if (inputs[k] !== undefined) out[k] = inputs[k];
    return out;
}
