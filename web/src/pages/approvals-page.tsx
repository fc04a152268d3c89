/** Placeholder until this page is written (issue 6). */
export function ApprovalsPage() {
  return <p className="muted">This page is not written yet.</p>;
}
