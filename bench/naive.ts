// The naive baseline, kept only for comparison: a dynamic provider written the way the Pulumi tutorials
// show. The HTTP client and its settings (API key included) are captured in the provider class, a new
// provider object is made for every resource, there is no check or diff (the engine diffs inputs), and
// create returns as soon as the POST answers.
import * as pulumi from "@pulumi/pulumi";
import axios from "axios";

export interface Connection {
    baseUrl: string;
    apiKey: string;
}

class NaiveLookProvider implements pulumi.dynamic.ResourceProvider {
    private readonly baseUrl: string;
    private readonly headers: Record<string, string>;
    // Settings come from the program (e.g. `new pulumi.Config().require("apiKey")`), as tutorials show.
    constructor(conn: Connection) {
        this.baseUrl = conn.baseUrl;
        this.headers = { "X-Api-Key": conn.apiKey };
    }

    async create(inputs: any) {
        const r = await axios.post(`${this.baseUrl}/v3/avatars`, {
            type: "photo", name: inputs.name, avatar_group_id: inputs.groupId, file: { type: "url", url: inputs.url },
        }, { headers: this.headers });
        return { id: r.data.data.avatar_item.id, outs: { ...inputs, status: r.data.data.avatar_item.status } };
    }
    async read(id: string, props: any) {
        try {
            const r = await axios.get(`${this.baseUrl}/v3/avatars/looks/${id}`, { headers: this.headers });
            return { id, props: { ...props, name: r.data.data.name, status: r.data.data.status } };
        } catch (e: any) {
            if (e.response?.status === 404) return {};
            throw e;
        }
    }
    async update(id: string, _olds: any, news: any) {
        const r = await axios.patch(`${this.baseUrl}/v3/avatars/looks/${id}`, { name: news.name }, { headers: this.headers });
        return { outs: { ...news, status: r.data.data.status } };
    }
    async delete(id: string) {
        await axios.delete(`${this.baseUrl}/v3/avatars/looks/${id}`, { headers: this.headers });
    }
}

export class NaiveLook extends pulumi.dynamic.Resource {
    constructor(name: string, args: { groupId: string; name: string; url: string }, conn: Connection) {
        super(new NaiveLookProvider(conn), name, args, undefined, "bench", "NaiveLook");
    }
}
