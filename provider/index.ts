// pulumi-heygen: HeyGen avatar groups, looks and consent as Pulumi resources.
export { AvatarGroup, type AvatarGroupArgs, type AvatarGroupOutputs, type FirstLookArgs, type FirstLookType } from "./resources/avatarGroup";
export { PhotoLook, type PhotoLookArgs } from "./resources/photoLook";
export { PromptLook, type PromptLookArgs } from "./resources/promptLook";
export { DigitalTwinLook, type DigitalTwinLookArgs } from "./resources/digitalTwinLook";
export { ConsentRequest, type ConsentRequestArgs, type ConsentWait } from "./resources/consentRequest";
export type { LookOutputs, LookWait } from "./resources/looks";
export type { FileSource } from "./files";
export * from "./lookups";
export * as client from "./client";
