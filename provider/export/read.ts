// Reads an account for the export: every private group (all pages), then each group's looks (all pages),
// a few groups at a time. Retries, 429s included, are the client's.
import type { HeyGenClient } from "../client";
import { type ExportedAccount, type ExportedGroup, exportedGroup, exportedLook } from "./model";

/** Groups whose looks are listed at the same time. */
export const CONCURRENCY = 8;

export class ExportError extends Error {}

/** The account's private groups (only `groupIds`, in the account's order, when given), with their looks. */
export async function readAccount(api: HeyGenClient, opts: { groupIds?: string[]; concurrency?: number } = {}): Promise<ExportedAccount> {
    const listed = [];
    for await (const g of api.allGroups({ ownership: "private" })) listed.push(g);
    listed.reverse(); // lists are newest first
    let chosen = listed;
    if (opts.groupIds?.length) {
        const wanted = new Set(opts.groupIds);
        chosen = listed.filter((g) => wanted.has(g.id));
        const missing = opts.groupIds.filter((id) => !chosen.some((g) => g.id === id));
        if (missing.length) {
            throw new ExportError(`--group ${missing.join(", ")}: not a private group of this account (public avatars are never exported; list yours with \`curl -H "X-Api-Key: …" ${api.baseUrl}/v3/avatars?ownership=private\`)`);
        }
    }
    const groups: ExportedGroup[] = new Array(chosen.length);
    let next = 0;
    const worker = async () => {
        while (next < chosen.length) {
            const i = next++;
            const g = chosen[i];
            const looks = [];
            for await (const l of api.allLooks({ group_id: g.id })) looks.push(exportedLook(l));
            looks.reverse();
            groups[i] = exportedGroup(g, looks);
        }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? CONCURRENCY, chosen.length) }, worker));
    // A group emptied between the two reads is gone from HeyGen with its last look.
    return { groups: groups.filter((g) => g.looks.length > 0) };
}
