import { ApiError } from '../api/api-error.ts';

/** Shows an error where it happened: the API's message and the details it listed. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  // A detail that only repeats the message (one bad field) is not listed twice.
  const details = (error instanceof ApiError ? error.details : []).filter(
    (detail) => detail.message !== message,
  );
  return (
    <div className="alert alert-error" role="alert">
      {message}
      {details.length > 0 && (
        <ul>
          {details.map((detail) => (
            <li key={`${detail.path}:${detail.message}`}>
              {detail.path ? <code>{detail.path}</code> : null} {detail.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
