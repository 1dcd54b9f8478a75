import { livekitClients, type LiveKitEvent } from "../../core/livekit.ts";
import type { AppHost, AppIdentity } from "./host.ts";
import type { Ingresses } from "./ingresses.ts";
import { applyLiveKitEvent, type EgressChanged, type QuotaAction } from "./livekit-events.ts";
import { LiveRepository, type StreamRecord } from "./live.repo.ts";
import { reconciliationEvents } from "./reconcile.ts";

/** How often the live state is checked against LiveKit while anything is live (a lost webhook heals within this). */
export const RECONCILE_INTERVAL_MS = 60_000;

/** How long a LiveKit event id is remembered: a webhook repeated within this changes nothing. */
export const SEEN_EVENTS_MS = 24 * 60 * 60 * 1000;


/**
 * The app's live state, as LiveKit's webhooks (and reconciliation with
 * LiveKit) say: who is in which room, which streams run, LiveKit event ids
 * already applied. Settles the tenant's concurrent-stream quota as streams
 * start (committing the slot the publisher's token holds) and end.
 */
export class Live {
  readonly #host: AppHost;
  readonly #repo: LiveRepository;
  readonly #egressChanged: EgressChanged;
  readonly #ingresses: Ingresses;

  /** `egressChanged` applies what LiveKit reports of an egress (recordings.ts owns recordings and live HLS). */
  constructor(host: AppHost, parts: { egressChanged: EgressChanged; ingresses: Ingresses }) {
    this.#host = host;
    this.#repo = new LiveRepository(host.db);
    this.#egressChanged = parts.egressChanged;
    this.#ingresses = parts.ingresses;
  }

  /**
   * Applies a verified LiveKit webhook event. A repeat of an event id seen in
   * the last 24 h changes nothing. State and app events are written first,
   * then the tenant's quota ledger is told what started or ended.
   */
  async apply(event: LiveKitEvent): Promise<{ duplicate: boolean; startedRooms: string[] }> {
    const identity = await this.#host.identity();
    const now = Date.now();
    if (!(await this.#repo.markSeen(event.id, now))) return { duplicate: true, startedRooms: [] };
    const outcome = await applyLiveKitEvent(this.#state(), event, new Date(now).toISOString());
    await this.#settleQuota(identity, outcome.quota);
    if (event.event === "participant_joined" || outcome.startedRooms.length > 0) await this.#host.scheduler.at("reconcile", now + RECONCILE_INTERVAL_MS);
    return { duplicate: false, startedRooms: outcome.startedRooms };
  }

  #state() {
    return { live: this.#repo, ingresses: this.#ingresses.repository, egressChanged: this.#egressChanged, events: this.#host.events };
  }

  async #settleQuota(identity: AppIdentity, actions: QuotaAction[]): Promise<void> {
    if (actions.length === 0) return;
    const ledger = this.#host.ledger(identity.tenantId);
    for (const action of actions) {
      if (action.kind === "commitHeld") {
        await ledger.commitHeld(action.holder, "maxConcurrentStreams");
      } else if (action.kind === "release") {
        await ledger.release(action.reservationId);
      } else {
        await ledger.adjust(action.metric, action.delta);
      }
    }
  }

  /** Quota actions decided elsewhere in the actor (a VOD deleted gives its bytes back). */
  async settle(actions: QuotaAction[]): Promise<void> {
    await this.#settleQuota(await this.#host.identity(), actions);
  }

  /**
   * Brings the live state in line with LiveKit's ListRooms / ListParticipants,
   * so a webhook LiveKit never delivered (or StreamHub missed while down)
   * heals. Returns how many corrections were applied.
   */
  async reconcile(): Promise<number> {
    const identity = await this.#host.identity();
    const lk = livekitClients(this.#host.config());
    if (!lk) return 0;
    const belongs = (room: string) => room === identity.roomPrefix || room.startsWith(`${identity.roomPrefix}-`);
    const inLiveKit = new Map((await lk.rooms.listRooms()).filter((room) => belongs(room.name)).map((room) => [room.name, room]));
    const rooms = new Set([...inLiveKit.keys(), ...(await this.#repo.liveRooms())]);

    let applied = 0;
    const now = Date.now();
    for (const room of rooms) {
      const found = inLiveKit.get(room);
      const actual = found ? { name: room, sid: found.sid, participants: await lk.rooms.listParticipants(room) } : null;
      for (const event of await reconciliationEvents(this.#repo, room, actual, now)) {
        const outcome = await applyLiveKitEvent(this.#state(), event, new Date(now).toISOString());
        await this.#settleQuota(identity, outcome.quota);
        applied++;
      }
    }
    return applied;
  }

  /**
   * LiveKit's rooms of this app, as the Registry's sweep saw them. A room this
   * app does not know is live means webhooks were missed (StreamHub was down,
   * or LiveKit gave up on them): a reconciliation is due now. Rooms it knows
   * are live are reconciled on its own schedule. Says whether one was asked for.
   */
  async notice(rooms: string[]): Promise<boolean> {
    const known = new Set(await this.#repo.liveRooms());
    if (rooms.every((room) => known.has(room))) return false;
    await this.#host.scheduler.at("reconcile", Date.now());
    return true;
  }

  /** The schedule's `reconcile` task: check now, and again in a minute while anything is live. */
  async runScheduled(now: number): Promise<number | null> {
    await this.reconcile();
    return (await this.#repo.anythingLive()) ? now + RECONCILE_INTERVAL_MS : null;
  }

  /** Active streams, each with its viewer count (participants of the room that are not hidden and publish nothing). */
  async streams(): Promise<StreamRecord[]> {
    const streams = await this.#repo.activeStreams();
    const withViewers: StreamRecord[] = [];
    for (const stream of streams) withViewers.push({ ...stream, viewers: await this.#repo.viewerCount(stream.room) });
    return withViewers;
  }

  async stream(streamId: string): Promise<StreamRecord | null> {
    const stream = await this.#repo.stream(streamId);
    return stream ? { ...stream, viewers: stream.status === "active" ? await this.#repo.viewerCount(stream.room) : 0 } : null;
  }

  /** The room's other active streams (to know whether stopping one may close the room). */
  async activeStreamsIn(room: string): Promise<StreamRecord[]> {
    return this.#repo.activeStreams(room);
  }

  async viewerCount(room: string): Promise<number> {
    return this.#repo.viewerCount(room);
  }

  /** The live numbers analytics samples: active streams, viewers per room, publishers. */
  async snapshot(): Promise<{ streams: StreamRecord[]; viewersByRoom: Map<string, number>; publishers: number }> {
    const viewers = await this.#repo.viewersByRoom();
    return { streams: await this.#repo.activeStreams(), viewersByRoom: new Map(viewers.map((row) => [row.room, row.viewers])), publishers: await this.#repo.publisherCount() };
  }

  /** Who in the room counts as a viewer now. */
  async viewersIn(room: string): Promise<string[]> {
    return this.#repo.viewerIdentities(room);
  }

  async isViewer(room: string, identity: string): Promise<boolean> {
    const participant = await this.#repo.participant(room, identity);
    return participant !== null && participant.hidden === 0 && participant.tracks === 0;
  }

  /** Ends a stream StreamHub stopped itself (LiveKit's own webhook for it is then a no-op). */
  async endStream(streamId: string, reason: string): Promise<void> {
    const identity = await this.#host.identity();
    const stream = await this.#repo.activeStream(streamId);
    if (!stream) return;
    const now = new Date().toISOString();
    await this.#repo.endStream(streamId, reason, now);
    await this.#repo.removeParticipant(stream.room, stream.participant);
    await this.#host.events.record("stream_ended", { streamId, room: stream.room, type: stream.type, participant: stream.participant, ingressId: stream.ingressId, reason }, now);
    if (stream.quotaHeld) await this.#host.ledger(identity.tenantId).adjust("maxConcurrentStreams", -1);
  }

  /** Retention: event ids past the repeat window. */
  async prune(now: number): Promise<number> {
    return this.#repo.forgetSeenBefore(now - SEEN_EVENTS_MS);
  }
}
