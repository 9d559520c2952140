// A resource's identity, set by each resource class as the hidden input `__identity` (inputs whose name
// starts with `__` are not shown by the engine): `<project>/<stack>/heygen:<Type>/<name>`. The dynamic
// provider's `create` is not told the resource's URN; this stands in for it, so a create's
// Idempotency-Key can be derived from who is being created (see resources/createOnce.ts). About 60 bytes
// of state per resource.
import * as pulumi from "@pulumi/pulumi";

export function identity(type: string, name: string): string {
    return `${pulumi.getProject()}/${pulumi.getStack()}/heygen:${type}/${name}`;
}
