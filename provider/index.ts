// pulumi-heygen: HeyGen avatar groups, looks and consent as Pulumi resources.
export {
    AvatarGroup, type AvatarGroupArgs, type AvatarGroupOutputs, type AdoptedFirstLookArgs, type FirstLookArgs, type FirstLookType, type PhotoFirstLookArgs,
    type PromptFirstLookArgs, type DigitalTwinFirstLookArgs,
} from "./resources/avatarGroup";
export { PhotoLook, type PhotoLookArgs } from "./resources/photoLook";
export { PromptLook, type PromptLookArgs } from "./resources/promptLook";
export { DigitalTwinLook, type DigitalTwinLookArgs } from "./resources/digitalTwinLook";
export { ConsentRequest, type ConsentRequestArgs, type ConsentRequestOutputs, type ConsentWait } from "./resources/consentRequest";
export type { Adoptable, LookOutputs, LookWait } from "./resources/looks";
export type {
    AssetSource, Base64Source, FileSource, ImageMediaType, ImageSource, MediaType, PathSource, UrlSource, VideoMediaType, VideoSource,
} from "./sources";
export type { ConsentStatus, LookStatus } from "../api/schema";
export type { Outputs } from "./lifecycle/resource";
export * from "./lookups";
export * as client from "./client";
