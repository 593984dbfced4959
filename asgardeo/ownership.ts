/**
 * Ownership lives in Asgardeo itself, so it survives a run from another machine: the API resource
 * and each application carry `[tollgate:<stack>]` at the end of their description (the field both
 * the management API and the console keep, and that neither uses for anything else).
 * Roles v2 and SCIM users have no free-form field; see `roleOwner` for how roles are judged, and
 * users are never deleted.
 */
const MARKER = /\s*\[tollgate:([A-Za-z0-9_.-]+)\]\s*$/;

function ownerMarker(stackName: string): string {
  return `[tollgate:${stackName}]`;
}

export function withMarker(description: string, stackName: string): string {
  const text = stripMarker(description);
  return text ? `${text} ${ownerMarker(stackName)}` : ownerMarker(stackName);
}

/** The stack that owns an object described by `description`, if any. */
export function ownerOf(description: string | undefined): string | undefined {
  return description ? MARKER.exec(description)?.[1] : undefined;
}

export function stripMarker(description: string | undefined): string {
  return (description ?? '').replace(MARKER, '');
}
