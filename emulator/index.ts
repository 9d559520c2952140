// The HeyGen emulator, for use from code: `const emu = await startEmulator(); ... await emu.stop()`.
export { startEmulator, DEFAULT_API_KEY, type Emulator, type EmulatorOptions, type RequestLogEntry } from "./server";
export { parseTransition, DEFAULT_TIMING, type Timing, type Transition } from "./lifecycle";
export type { FaultRule, FaultAction } from "./faults";
