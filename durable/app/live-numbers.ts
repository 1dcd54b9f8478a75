import { sql, type SqlDriver } from "../../core/db/sql.ts";

/**
 * What an app has going on right now, read from its own tables in one
 * statement: what /metrics, the stats API and the analytics history share.
 * Viewers are participants that are not hidden (QC, recorder) and publish
 * nothing, in any room of the app; publishers publish at least one track.
 */
export interface LiveNumbers {
  activeStreams: number;
  viewers: number;
  publishers: number;
  ingresses: number;
  activeRecordings: number;
  activeHls: number;
  vods: { recording: number; uploading: number; ready: number; failed: number };
  vodBytes: number;
  outboxDepth: number;
}

interface Row {
  active_streams: number;
  viewers: number;
  publishers: number;
  ingresses: number;
  active_hls: number;
  vods_recording: number;
  vods_uploading: number;
  vods_ready: number;
  vods_failed: number;
  vod_bytes: number | null;
  outbox_depth: number;
}

export async function liveNumbers(db: SqlDriver): Promise<LiveNumbers> {
  const row = await db.one<Row>(sql`
    SELECT
      (SELECT COUNT(*) FROM streams WHERE status = 'active') AS active_streams,
      (SELECT COUNT(*) FROM participants WHERE hidden = 0 AND tracks = 0) AS viewers,
      (SELECT COUNT(*) FROM participants WHERE tracks > 0) AS publishers,
      (SELECT COUNT(*) FROM ingresses) AS ingresses,
      (SELECT COUNT(*) FROM hls WHERE status = 'active') AS active_hls,
      (SELECT COUNT(*) FROM vods WHERE status = 'recording') AS vods_recording,
      (SELECT COUNT(*) FROM vods WHERE status = 'uploading') AS vods_uploading,
      (SELECT COUNT(*) FROM vods WHERE status = 'ready') AS vods_ready,
      (SELECT COUNT(*) FROM vods WHERE status = 'failed') AS vods_failed,
      (SELECT SUM(size_bytes) FROM vods WHERE status = 'ready') AS vod_bytes,
      (SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending') AS outbox_depth`);
  if (!row) throw new Error("live numbers: the query returned no row");
  return {
    activeStreams: row.active_streams,
    viewers: row.viewers,
    publishers: row.publishers,
    ingresses: row.ingresses,
    activeRecordings: row.vods_recording,
    activeHls: row.active_hls,
    vods: { recording: row.vods_recording, uploading: row.vods_uploading, ready: row.vods_ready, failed: row.vods_failed },
    vodBytes: row.vod_bytes ?? 0,
    outboxDepth: row.outbox_depth,
  };
}
