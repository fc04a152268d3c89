/** The heading of a table's column of row buttons: named for screen readers, blank on screen. */
export function ActionsHeading() {
  return (
    <th>
      <span className="visually-hidden">Actions</span>
    </th>
  );
}
