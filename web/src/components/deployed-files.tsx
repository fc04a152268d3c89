import type { DeployedFileRow } from '../lib/deployed-summary.ts';
import '../host-targets.css';

/**
 * The files a deployment shipped, folded under their count and total size (`3 files, 12 KiB`);
 * opened, a table of each file's name, size and digest or headers.
 */
export function DeployedFiles({ files, summary }: { files: DeployedFileRow[]; summary: string }) {
  return (
    <details className="deployed-files">
      <summary>{summary}</summary>
      <div className="table-wrap">
        <table aria-label="Files deployed">
          <thead>
            <tr>
              <th>File</th>
              <th>Size</th>
              <th className="hide-small">Details</th>
            </tr>
          </thead>
          <tbody>
            {files.map((file) => (
              <tr key={file.name}>
                <td className="deployed-file-name">
                  <code>{file.name}</code>
                </td>
                <td className="deployed-file-size">{file.size}</td>
                <td className="hide-small muted">{file.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
