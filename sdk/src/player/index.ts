// The StreamHub player: <streamhub-player>, used by /play, /embed and the samples.
export {};
