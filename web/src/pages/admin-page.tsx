/** Placeholder until this page is written (issue 6). */
// biome-ignore lint/correctness/noUnusedFunctionParameters: placeholder
export function AdminPage({ section }: { section: string }) {
  return <p className="muted">This page is not written yet.</p>;
}
