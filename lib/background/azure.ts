/**
 * Azure resource roles in the background: the ARM client for a connection (tokens from the token provider's ARM
 * path, every answer's Date header fed to the server clock, like Graph), and the read a refresh starts next to its
 * Graph `$batch`. Switched off (settings.azureRoles false, or the managed disableAzureRoles): no ARM token is asked
 * for and no ARM request is made; the Azure sections are then absent from the snapshot.
 */
import { createArmClient, type ArmClient } from '../arm/client';
import { azureUnavailable, readAzure, type AzureReadResult } from '../arm/reads';
import { ArmConsentRequiredError } from '../auth/token-provider';
import { cloudById } from '../clouds';
import type { SectionId } from '../pim/model';
import type { SectionResult } from '../pim/snapshot';
import type { Connection, PolicyEntry } from '../storage';
import type { ServerClock } from './server-clock';

/** `claims`: a step-up's claims; the ARM token is then redeemed with them (never a Graph step-up token). */
export type ArmFactory = (connection: Connection, claims?: string) => ArmClient;

export function createArmFactory(deps: {
  getToken: (o: { forceRefresh: boolean; claims?: string }) => Promise<string>;
  clock: ServerClock;
}): ArmFactory {
  const observingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    deps.clock.observe(response.headers.get('date'), Date.now());
    return response;
  };
  return (connection, claims) =>
    createArmClient({
      getToken: claims ? (o) => deps.getToken({ ...o, claims }) : deps.getToken,
      base: cloudById(connection.cloudId).arm,
      fetch: observingFetch,
    });
}

/** The refresh's Azure part. Never throws: a failure becomes the Azure sections' error. */
export async function refreshAzure(deps: {
  enabled: () => Promise<boolean>;
  arm: ArmClient;
  now: Date;
  policies: Readonly<Record<string, PolicyEntry>>;
}): Promise<AzureReadResult | null> {
  if (!(await deps.enabled())) return null;
  try {
    return await readAzure({ arm: deps.arm, now: deps.now, policies: deps.policies });
  } catch (e) {
    return { results: failedSections(e), policyUpdates: {}, requests: 0 };
  }
}

function failedSections(e: unknown): Partial<Record<SectionId, SectionResult>> {
  if (e instanceof ArmConsentRequiredError) return azureUnavailable({ status: 403, code: e.code, message: e.message });
  const status = typeof (e as { status?: unknown })?.status === 'number' ? (e as { status: number }).status : 0;
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'Error';
  return azureUnavailable({ status, code, message: e instanceof Error ? e.message : String(e) });
}
