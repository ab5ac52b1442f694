/**
 * A pagination cursor over several backends: which backend the listing has reached and that backend's own cursor.
 * Opaque to clients (base64url JSON), and it survives the listing crossing from one backend to the next.
 */
export interface BackendCursor {
  backend: string;
  cursor?: string;
}

export function encodeCursor(position: BackendCursor): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): BackendCursor | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as BackendCursor;
    return typeof parsed.backend === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
