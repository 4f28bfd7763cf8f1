/** Text helpers of the options page. Lengths are said by lib/pim/duration.ts formatMinutes, as everywhere. */

/** The message of anything thrown, for "Couldn't save: …". */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
