// This module's export is the consentRequest provider object itself; its path is written into users' state (see ../shim.ts).
import { makeProvider } from "../shim";
export = makeProvider("consentRequest");
