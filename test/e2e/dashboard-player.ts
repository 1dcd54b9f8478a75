// What a page's <streamhub-player> is doing, for the dashboard's e2e tests:
// its state and how many video frames it has presented.
import type { Page } from "playwright-core";

// Code in page.evaluate runs in the browser (this project is typed for Node).
declare const document: any;

export const playerState = (page: Page) =>
  page.evaluate(() => {
    const player = document.querySelector("streamhub-player") as any;
    return { state: player?.state as string | undefined, frames: (player?.video?.getVideoPlaybackQuality().totalVideoFrames ?? 0) as number };
  });

/** Live, with frames on screen. */
export const playing = (v: { state: string | undefined; frames: number }) => v.state === "live" && v.frames > 5;
