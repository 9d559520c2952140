// Plain constants of the HeyGen v3 API, without TypeBox: the provider needs them at run time (limits it
// checks at preview), and its package does not ship TypeBox. api/schema.ts re-exports them.
export const AVATAR_TYPES = ["studio_avatar", "digital_twin", "photo_avatar"] as const;
export const LOOK_STATUSES = ["processing", "pending_consent", "failed", "completed"] as const;
export const CONSENT_STATUSES = ["pending", "approved", "rejected", "skipped"] as const;
export const CREATE_TYPES = ["digital_twin", "photo", "prompt"] as const;
/** Old names HeyGen still accepts; the emulator maps them to the new ones. */
export const CREATE_TYPE_ALIASES: Record<string, (typeof CREATE_TYPES)[number]> = { video: "digital_twin" };
export const ENGINES = ["avatar_v", "avatar_iv", "avatar_iii"] as const;

export const LIMITS = {
    nameMax: 255,
    promptMax: 1000,
    referenceImagesMax: 3,
    consentTextMax: 1000,
    assetMaxBytes: 32 * 1024 * 1024,
    /** The most a direct upload takes (HeyGen's spec states no figure; S3's single PUT allows 5 GiB). [I] */
    directUploadMaxBytes: 5 * 1024 * 1024 * 1024,
    directUploadTtlSeconds: 3600,
    pageMin: 1,
    pageMax: 50,
    pageDefault: 20,
    idempotencyKeyPattern: "^[A-Za-z0-9_\\-:.]{1,255}$",
    idempotencyTtlSeconds: 24 * 3600,
    photoMinPixels: 512,
} as const;
