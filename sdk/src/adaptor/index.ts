// streamhub-adaptor: the original StreamHub SDK's drop-in for Ant Media's
// WebRTCAdaptor, over livekit-client. The IIFE build defines the global
// `webrtc_adaptor`, so pages write `new webrtc_adaptor.WebRTCAdaptor({...})`
// as they did with Ant Media's script.
//
// The public surface is exactly the modules re-exported whole here:
// selfhost/build-sdk.ts inlines them into the one streamhub-adaptor.d.ts.
import { StreamHubAdaptor } from "./adaptor.ts";

export * from "./adaptor.ts";
export * from "./errors.ts";
export type * from "./types.ts";
export { StreamHubAdaptor as WebRTCAdaptor };
export default StreamHubAdaptor;
