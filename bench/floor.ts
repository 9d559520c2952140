// The floor: the least work the engine and the API allow. One trivial dynamic resource per look, each
// making exactly the one HTTP call its operation needs (create: POST, read: GET, rename: PATCH, delete:
// DELETE; nothing at preview), one shared provider object, no validation, no waiting.
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: any) {
        const r = await fetch(`${process.env.HEYGEN_API_BASE}/v3/avatars`, {
            method: "POST",
            headers: { "X-Api-Key": process.env.HEYGEN_API_KEY!, "Content-Type": "application/json" },
            body: JSON.stringify({ type: "photo", name: inputs.name, avatar_group_id: inputs.groupId, file: { type: "url", url: inputs.url } }),
        });
        const body: any = await r.json();
        return { id: body.data.avatar_item.id, outs: inputs };
    },
    async read(id: string, props: any) {
        const r = await fetch(`${process.env.HEYGEN_API_BASE}/v3/avatars/looks/${id}`, { headers: { "X-Api-Key": process.env.HEYGEN_API_KEY! } });
        if (r.status === 404) return {};
        const body: any = await r.json();
        return { id, props: { ...props, name: body.data.name } };
    },
    async update(id: string, _olds: any, news: any) {
        await fetch(`${process.env.HEYGEN_API_BASE}/v3/avatars/looks/${id}`, {
            method: "PATCH",
            headers: { "X-Api-Key": process.env.HEYGEN_API_KEY!, "Content-Type": "application/json" },
            body: JSON.stringify({ name: news.name }),
        });
        return { outs: news };
    },
    async delete(id: string) {
        await fetch(`${process.env.HEYGEN_API_BASE}/v3/avatars/looks/${id}`, { method: "DELETE", headers: { "X-Api-Key": process.env.HEYGEN_API_KEY! } });
    },
};

export class FloorLook extends pulumi.dynamic.Resource {
    constructor(name: string, args: { groupId: string; name: string; url: string }) {
        super(provider, name, args, undefined, "bench", "FloorLook");
    }
}
