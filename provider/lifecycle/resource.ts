// What every pulumi-heygen resource class shares: its outputs declared once (an interface, whose doc
// comments show on the class), and a registration that costs the program no more than it must.
import * as pulumi from "@pulumi/pulumi";
import { resourceUrn } from "../identity";
import { providerFor } from "../shim";
import type { Declaration } from "./declaration";

/**
 * The class side of an outputs interface: each output as a `pulumi.Output`. A homomorphic mapped type, so
 * the interface's doc comments are what an editor shows on the class's properties.
 */
export type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

export abstract class HeyGenResource extends pulumi.dynamic.Resource {
    /** Registers `props` and the declaration's outputs (as undefined, to appear on the object); secret outputs stay secret. */
    protected constructor(declaration: Declaration<any, any, any>, name: string, props: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
        const { kind, type, secretOutputs } = declaration;
        const provider = providerFor(kind);
        if (secretOutputs?.length) opts = { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs] };
        // For each registered property the SDK makes four promises, and formats a stack trace for each one
        // (kept only for its report of leaked promises). In a TypeScript program that formatting goes
        // through ts-node's source-map support, and it was most of the program's CPU in a preview (about
        // 6 ms a look). With no frames to format it costs nothing. The resource's source position is not
        // affected: the SDK captures it with a stack trace limit of its own.
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            // `__urn` (hidden): where the provider's progress messages show (identity.ts, progress.ts).
            // `retainOnDelete`, when set, is also passed as an input of that name: the engine shows policy packs
            // neither resource options nor hidden (`__`) inputs, and the team rule "an adopted avatar is kept on
            // destroy" needs it (policy/rules.ts). No diff looks at it: setting it changes nothing in HeyGen.
            const retain = opts?.retainOnDelete === true ? { retainOnDelete: true } : {};
            super(provider, name, { ...declaration.outputs, ...props, ...retain, __urn: resourceUrn(type, name, opts) }, opts, "heygen", type);
        } finally {
            Error.stackTraceLimit = limit;
        }
        // The engine never passes customTimeouts to a dynamic provider: say so rather than ignore them.
        if (opts?.customTimeouts) {
            void pulumi.log.warn(`customTimeouts have no effect on ${type} (Pulumi does not pass them to dynamic providers): set timeoutSeconds instead`, this);
        }
    }
}

/** Sets the outputs a class derives from what is known before applying (see each class). */
export function derive<T extends object>(resource: T, values: Partial<T>): void {
    Object.assign(resource, values);
}
