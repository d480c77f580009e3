/**
 * Events from transaction logs: `Program data: <base64>` lines written while the DFPN program was executing.
 * @module
 */
import type { Address } from '@solana/kit';
import { PROGRAM_ID } from './constants.js';
import { decodeDfpnEventBase64, type DfpnEvent } from './generated/events.js';

const DATA = 'Program data: ';

/**
 * Decode every DFPN event in a transaction's logs, in order.
 *
 * Only `Program data:` lines logged while `programId` is the innermost running program count, so events of other
 * programs (or forged data lines of programs invoked by CPI) are ignored. Undecodable lines are skipped.
 */
export function parseLogs(logs: Iterable<string>, programId: Address = PROGRAM_ID): DfpnEvent[] {
  const stack: string[] = [];
  const events: DfpnEvent[] = [];
  for (const line of logs) {
    if (line.startsWith('Program ') && line.includes(' invoke [')) {
      stack.push(line.split(' ')[1] ?? '');
    } else if (line.startsWith('Program ') && (line.endsWith(' success') || line.includes(' failed'))) {
      if (stack.length && line.split(' ')[1] === stack[stack.length - 1]) stack.pop();
    } else if (line.startsWith(DATA) && stack.length && stack[stack.length - 1] === programId) {
      try {
        const event = decodeDfpnEventBase64(line.slice(DATA.length).trim());
        if (event) events.push(event);
      } catch {
        // not a DFPN event payload
      }
    }
  }
  return events;
}

export type { DfpnEvent };
