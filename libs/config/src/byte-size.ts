const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};
const BYTE_SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i;

/**
 * Parses `512kb`, `4mb`, `1gb` (binary units: 1kb = 1024 bytes; `kib`, `mib`, `gib` and `b` too) or a plain
 * number of bytes. Returns undefined when the value is not a size, so the validator can name the key.
 */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = BYTE_SIZE.exec(trimmed);
  const unit = match ? UNIT_BYTES[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  return Math.round(Number(match[1]) * unit);
}

export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [
    ['gb', 1024 ** 3],
    ['mb', 1024 ** 2],
    ['kb', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} bytes`;
}
