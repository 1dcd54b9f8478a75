import type { Schemas } from "../api/client.ts";

/** Server log lines, newest first. */
export function LogTable({ lines, label }: { lines: Schemas["ServerLog"][]; label?: string }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Level</th>
          <th scope="col">Source</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.id}>
            <td>{new Date(line.ts).toLocaleString()}</td>
            <td>{line.level}</td>
            <td>{line.source}</td>
            <td className="ua">{line.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
