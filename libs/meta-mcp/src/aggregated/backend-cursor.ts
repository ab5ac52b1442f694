/**
 * A pagination cursor over several backends: the cursor of each backend that has more to list. Opaque to clients
 * (base64url JSON). A backend absent from it is finished.
 */
export type BackendCursors = Record<string, string>;

export function encodeCursor(cursors: BackendCursors): string {
  return Buffer.from(JSON.stringify(cursors)).toString('base64url');
}

export function decodeCursor(cursor: string): BackendCursors | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return Object.values(parsed).every((value) => typeof value === 'string') ? (parsed as BackendCursors) : undefined;
  } catch {
    return undefined;
  }
}
