/**
 * A secret sealed together with the origin it was entered for (the cloud's address, the AWS
 * endpoints). Sealed as one value, so that editing the database cannot move a secret to
 * another origin: the caller that reads it names the origin it is about to send it to, and
 * gets nothing for any other.
 */
const FORMAT = 'front-desk-secret/1';

export function bindSecret(value: string, origin: string): string {
  return JSON.stringify({ format: FORMAT, origin, value });
}

/** The secret when it was entered for `origin`; null when for another one. */
export function unbindSecret(plain: string, origin: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plain);
  } catch {
    parsed = null;
  }
  if (typeof parsed === 'object' && parsed !== null && (parsed as { format?: unknown }).format === FORMAT) {
    const bound = parsed as { origin?: unknown; value?: unknown };
    return bound.origin === origin && typeof bound.value === 'string' ? bound.value : null;
  }
  // Sealed before secrets carried their origin: the settings then in force are the ones it was
  // entered for, and changing those addresses since has forgotten it (see the settings services).
  return plain;
}
