// streamhub-adaptor: the original StreamHub SDK's drop-in over livekit-client.
// (Being written: see the issue on the SDK.)
export class WebRTCAdaptor {}
