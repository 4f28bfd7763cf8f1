/**
 * Item 7: the request pattern other PIM tools use, scripted against the same stand-in through the same latency
 * proxy: the four lists as separate calls, then one policy call per eligible role and per eligible group, one after
 * another, on one kept-alive HTTPS connection (the kindest case for them: no new handshakes).
 */
import { Agent, request } from 'node:https';
import { policyUrlFor } from '../../lib/pim/policy';
import type { FakeTenant } from '../../tests/fake-tenant/index';
import { enc, signIn } from '../../tests/fake-tenant/testing';
import type { LatencyProxy } from './proxy';
import { stat, type Stat } from './stats';

const ME = "filterByCurrentUser(on='principal')";
const LISTS = [
  `/roleManagement/directory/roleEligibilityScheduleInstances/${ME}?$expand=roleDefinition`,
  `/roleManagement/directory/roleAssignmentScheduleInstances/${ME}?$expand=roleDefinition`,
  `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/${ME}?$expand=group`,
  `/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/${ME}?$expand=group`,
];

export interface PeerResult {
  eligible: number;
  requests: Stat;
  roundTrips: Stat;
  bytesReceived: Stat;
  durationMs: Stat;
}

function get(agent: Agent, port: number, token: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername: 'graph.microsoft.com',
        agent,
        rejectUnauthorized: false,
        method: 'GET',
        path: `/v1.0${enc(path)}`,
        headers: { Host: 'graph.microsoft.com', Authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface Instance {
  roleDefinitionId?: string;
  groupId?: string;
  accessId?: 'member' | 'owner';
}

async function once(
  tenant: FakeTenant,
  proxy: LatencyProxy,
  token: string,
): Promise<{ requests: number; ms: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // Open the connection first: handshakes are not what this compares.
  await get(agent, proxy.port, token, '/roleManagement/directory/roleDefinitions?$top=1');
  proxy.resetCounters();
  const t0 = Date.now();
  let requests = 0;
  const lists: Instance[][] = [];
  for (const path of LISTS) {
    const r = await get(agent, proxy.port, token, path);
    requests += 1;
    if (r.status !== 200) throw new Error(`peer list ${path}: ${r.status} ${r.body.slice(0, 200)}`);
    lists.push((JSON.parse(r.body) as { value: Instance[] }).value);
  }
  const urls = new Set<string>();
  for (const e of lists[0]!) urls.add(policyUrlFor({ kind: 'role', targetId: e.roleDefinitionId!, accessId: null }));
  for (const e of lists[2]!)
    urls.add(policyUrlFor({ kind: 'group', targetId: e.groupId!, accessId: e.accessId ?? 'member' }));
  for (const url of urls) {
    const r = await get(agent, proxy.port, token, url);
    requests += 1;
    if (r.status !== 200) throw new Error(`peer policy ${url}: ${r.status} ${r.body.slice(0, 200)}`);
  }
  const ms = Date.now() - t0;
  agent.destroy();
  void tenant;
  return { requests, ms, bytes: proxy.bytesDown() };
}

export async function measurePeer(
  tenant: FakeTenant,
  proxy: LatencyProxy,
  eligible: number,
  runs: number,
): Promise<PeerResult> {
  const { access_token } = await signIn(tenant);
  const r: { requests: number; ms: number; bytes: number }[] = [];
  for (let i = 0; i < runs; i++) r.push(await once(tenant, proxy, access_token));
  const requests = stat(r.map((x) => x.requests));
  return {
    eligible,
    requests,
    roundTrips: requests,
    bytesReceived: stat(r.map((x) => x.bytes)),
    durationMs: stat(r.map((x) => x.ms)),
  };
}
