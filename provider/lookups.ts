// Lookups (data sources): read what exists in a HeyGen account from a Pulumi program. Each is a plain async
// function and an Output-returning variant that takes Inputs. They read `heygen:apiKey`/`heygen:baseUrl`
// from the stack config, else HEYGEN_API_KEY/HEYGEN_API_BASE.
import * as pulumi from "@pulumi/pulumi";
import type { AvatarType } from "../api/schema";
import type { HeyGenClient } from "./client";
import { newClient } from "./connect";
import { groupOutputs } from "./resources/avatarGroup";
import { lookOutputs } from "./resources/looks";
import { MISSING_KEY, checkProgramConfig, resolveSettings } from "./settings";

/** A group as a lookup reports it: the resource's outputs that HeyGen's answer gives (as the resource maps them). */
export type AvatarGroupInfo = ReturnType<typeof groupOutputs>;
/** A look as a lookup reports it: the look resources' outputs that HeyGen's answer gives. */
export type LookInfo = ReturnType<typeof lookOutputs>;

export interface ListLooksArgs {
    /** Only the looks of this avatar group. */
    groupId?: string;
    /** Only looks of this type. */
    avatarType?: AvatarType;
    /** `private` (yours) or `public` (HeyGen's studio avatars); both when omitted. */
    ownership?: "public" | "private";
}

export interface ListAvatarGroupsArgs {
    /** `private` (yours) or `public` (HeyGen's studio avatars); both when omitted. */
    ownership?: "public" | "private";
}

function api(): HeyGenClient {
    checkProgramConfig();
    const s = resolveSettings((key) => pulumi.runtime.getConfig(key), process.env);
    if (!s.apiKey) throw new Error(MISSING_KEY);
    return newClient(s.apiKey, s.baseUrl, { agent: "lookup" });
}

/** One avatar group by id. */
export async function getAvatarGroup(args: { groupId: string }): Promise<AvatarGroupInfo> {
    return groupOutputs(await api().getGroup(args.groupId));
}

/** One look by id. */
export async function getLook(args: { lookId: string }): Promise<LookInfo> {
    return lookOutputs(await api().getLook(args.lookId));
}

/** Every look matching the filters (all pages). */
export async function listLooks(args: ListLooksArgs = {}): Promise<LookInfo[]> {
    const out: LookInfo[] = [];
    for await (const l of api().allLooks({ group_id: args.groupId, avatar_type: args.avatarType, ownership: args.ownership })) out.push(lookOutputs(l));
    return out;
}

/** Every avatar group (all pages). */
export async function listAvatarGroups(args: ListAvatarGroupsArgs = {}): Promise<AvatarGroupInfo[]> {
    const out: AvatarGroupInfo[] = [];
    for await (const g of api().allGroups({ ownership: args.ownership })) out.push(groupOutputs(g));
    return out;
}

/** The arguments of a lookup, each of which may come from another resource. */
export type LookupInputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** `getAvatarGroup`, taking Inputs (e.g. `group.groupId`). */
export const getAvatarGroupOutput = (args: LookupInputs<{ groupId: string }>): pulumi.Output<AvatarGroupInfo> =>
    pulumi.output(args).apply((a) => getAvatarGroup(a));
/** `getLook`, taking Inputs (e.g. `look.lookId`). */
export const getLookOutput = (args: LookupInputs<{ lookId: string }>): pulumi.Output<LookInfo> =>
    pulumi.output(args).apply((a) => getLook(a));
/** `listLooks`, taking Inputs (e.g. `{ groupId: group.groupId }`). */
export const listLooksOutput = (args: LookupInputs<ListLooksArgs> = {}): pulumi.Output<LookInfo[]> =>
    pulumi.output(args).apply((a) => listLooks(a as ListLooksArgs));
/** `listAvatarGroups`, taking Inputs. */
export const listAvatarGroupsOutput = (args: LookupInputs<ListAvatarGroupsArgs> = {}): pulumi.Output<AvatarGroupInfo[]> =>
    pulumi.output(args).apply((a) => listAvatarGroups(a as ListAvatarGroupsArgs));
