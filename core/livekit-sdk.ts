// What StreamHub uses of livekit-server-sdk and LiveKit's protobuf messages,
// in one module that core/livekit.ts loads on the first call to LiveKit's API
// (see livekitSdk there). Named here, rather than importing the packages
// whole, so the bundle keeps only these and what they need.
export { EgressClient, IngressClient, RoomServiceClient, ServerError, TokenVerifier } from "livekit-server-sdk";
export { EncodedFileOutput, EncodedFileType, EncodingOptionsPreset, IngressInput, S3Upload, SegmentedFileOutput, SegmentedFileProtocol } from "@livekit/protocol";
