/**
 * The CPU time a PostgreSQL cluster on this machine has used, for the bench's server figures:
 * the postmaster's own, its live children's (checkpointer, WAL writer, backends still connected)
 * and that of the children it has reaped (the backends of closed connections), from Linux's
 * /proc. The difference across a run is the server's CPU for that run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Linux reports these times in clock ticks of 1/100 s (USER_HZ) on every architecture node runs on. */
const MICROSECONDS_PER_TICK = 10_000n;

/** The fields of /proc/PID/stat after the command name (which may hold spaces): [0] is the state, field 3. */
function statFields(pid: string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU of the cluster whose data folder this is, in microseconds; null where /proc cannot tell (not Linux, not readable). */
export function clusterCpuMicroseconds(dataDirectory: string): bigint | null {
  let postmaster: string;
  try {
    postmaster = readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
  } catch {
    return null;
  }
  const own = statFields(postmaster);
  if (own === null) return null;
  // utime, stime, cutime, cstime are fields 14 to 17
  let ticks = BigInt(own[11]!) + BigInt(own[12]!) + BigInt(own[13]!) + BigInt(own[14]!);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields !== null && fields[1] === postmaster) ticks += BigInt(fields[11]!) + BigInt(fields[12]!);
  }
  return ticks * MICROSECONDS_PER_TICK;
}
