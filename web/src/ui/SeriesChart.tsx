import { useId, useState, type KeyboardEvent, type PointerEvent } from "react";
import { niceCeiling, summarize, type SeriesValue } from "./series.ts";

// A small hand-written SVG area chart (no chart library: the analytics screen
// stays a few KB). What it shows is said three ways: a written summary (peak,
// when, average), a slider over the points that reads each one out (arrow
// keys, Home/End, Page Up/Down; the mouse moves it too), and the numbers as a
// table behind a toggle.

const W = 640;
const H = 180;
const LEFT = 44;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 24;
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;

// Whole numbers as they are; fractions (averages) to two significant figures under 10, so 0.03 does not read as 0.0.
const round = (n: number) => (Number.isInteger(n) ? String(n) : n >= 10 ? n.toFixed(0) : String(Number(n.toPrecision(2))));
const count = (n: number, [one, many]: [string, string]) => `${round(n)} ${n === 1 ? one : many}`;

export function SeriesChart(props: {
  title: string;
  /** The unit, singular and plural: ["viewer", "viewers"], ["kbps", "kbps"]. */
  unit: [one: string, many: string];
  values: SeriesValue[];
  /** Formats a bucket's start for people (a minute's time, or an hour's day and time). */
  formatTs(ts: string): string;
  /** One bucket's name: "minute" or "hour". */
  bucket: string;
  /** Said instead of the summary when no bucket reported a value. */
  noneNote: string;
}) {
  const { title, unit, values, formatTs, bucket, noneNote } = props;
  const id = useId();
  const [cursor, setCursor] = useState(values.length - 1);
  const [showTable, setShowTable] = useState(false);
  const at = Math.min(Math.max(cursor, 0), values.length - 1);
  const summary = summarize(values);
  const top = niceCeiling(summary?.peak ?? 0);
  const x = (i: number) => LEFT + (values.length <= 1 ? PLOT_W / 2 : (i * PLOT_W) / (values.length - 1));
  const y = (v: number) => TOP + PLOT_H - (v / top) * PLOT_H;

  // One path per run of reported buckets: a gap where nothing was reported.
  const runs: { line: string; area: string }[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) {
      const line = run.map((i, n) => `${n === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(values[i]!.value!).toFixed(1)}`).join("");
      const first = x(run[0]!).toFixed(1);
      const last = x(run[run.length - 1]!).toFixed(1);
      runs.push({ line, area: `${line}L${last},${TOP + PLOT_H}L${first},${TOP + PLOT_H}Z` });
    }
    run = [];
  };
  values.forEach((point, i) => (point.value === null ? flush() : run.push(i)));
  flush();

  const ticks = Number.isInteger(top / 2) || top < 1 ? [0, top / 2, top] : [0, top];
  const labels = values.length > 2 ? [0, Math.floor((values.length - 1) / 2), values.length - 1] : values.map((_, i) => i);
  const point = values[at];
  const readout = point ? `${formatTs(point.ts)}: ${point.value === null ? "none reported" : count(point.value, unit)}` : "";

  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.round(values.length / 10));
    const moves: Record<string, number> = { ArrowLeft: at - 1, ArrowDown: at - 1, ArrowRight: at + 1, ArrowUp: at + 1, Home: 0, End: values.length - 1, PageDown: at - page, PageUp: at + page };
    if (!(event.key in moves)) return;
    event.preventDefault();
    setCursor(Math.min(Math.max(moves[event.key]!, 0), values.length - 1));
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const inPlot = ((event.clientX - box.left) / box.width) * W - LEFT;
    setCursor(Math.min(Math.max(Math.round((inPlot / PLOT_W) * (values.length - 1)), 0), values.length - 1));
  };

  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p id={`${id}-summary`} className="summary">
        {summary && summary.peak > 0
          ? `Peak ${count(summary.peak, unit)} at ${formatTs(summary.peakTs)}; average ${round(summary.average)} over ${summary.reported} ${bucket}${summary.reported === 1 ? "" : "s"}.`
          : noneNote}
      </p>
      {/* Nothing reported at all (no ingress, say): the note says so, a flat empty plot would add nothing. */}
      {values.length > 0 && summary ? (
        <div
          className="plot"
          role="slider"
          tabIndex={0}
          aria-label={`${title}, one point per ${bucket}`}
          aria-describedby={`${id}-summary`}
          aria-valuemin={0}
          aria-valuemax={values.length - 1}
          aria-valuenow={at}
          aria-valuetext={readout}
          onKeyDown={onKeyDown}
          onPointerMove={onPointerMove}
        >
          <svg viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false">
            {ticks.map((tick) => (
              <g key={tick}>
                <line x1={LEFT} x2={W - RIGHT} y1={y(tick)} y2={y(tick)} className="grid" />
                <text x={LEFT - 6} y={y(tick) + 4} textAnchor="end">{round(tick)}</text>
              </g>
            ))}
            {labels.map((i) => (
              <text key={i} x={x(i)} y={H - 6} textAnchor={i === 0 ? "start" : i === values.length - 1 ? "end" : "middle"}>
                {formatTs(values[i]!.ts)}
              </text>
            ))}
            {runs.map((r, i) => (
              <g key={i}>
                <path d={r.area} className="area" />
                <path d={r.line} className="line" />
              </g>
            ))}
            {point ? <line x1={x(at)} x2={x(at)} y1={TOP} y2={TOP + PLOT_H} className="cursor" /> : null}
            {point && point.value !== null ? <circle cx={x(at)} cy={y(point.value)} r={4} className="dot" /> : null}
          </svg>
        </div>
      ) : null}
      {summary ? <p className="readout" aria-hidden="true">{readout}</p> : null}
      <button type="button" className="link" aria-expanded={showTable} aria-controls={`${id}-table`} onClick={() => setShowTable(!showTable)}>
        {showTable ? "Hide the table" : "Show as a table"}
        <span className="visually-hidden"> ({title})</span>
      </button>
      <div id={`${id}-table`} hidden={!showTable}>
        {showTable ? (
          <div className="scroll" tabIndex={0} role="region" aria-label={`${title} as a table`}>
            <table>
              <caption className="visually-hidden">{`${title}, one row per ${bucket}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{bucket === "minute" ? "Minute" : "Hour"}</th>
                  <th scope="col">{title}</th>
                </tr>
              </thead>
              <tbody>
                {values.map((v) => (
                  <tr key={v.ts}>
                    <th scope="row">{formatTs(v.ts)}</th>
                    <td>{v.value === null ? "—" : round(v.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
    </figure>
  );
}
