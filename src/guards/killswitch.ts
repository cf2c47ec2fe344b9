import { allow, deny } from '../core/decision.js';
import type { Invocation } from '../core/invocation.js';
import type { Guard } from '../core/pipeline.js';
import type { Switchboard } from '../state/switches.js';

/** Read-only mode (every write tool) and tool quarantine, from the live switchboard. */
export function killswitch(switches: Switchboard): Guard<Invocation> {
  return {
    name: 'killswitch',
    check(inv) {
      const s = switches.current();
      if (s.quarantine.has(inv.tool.name)) {
        return deny('QUARANTINED', `tool ${inv.tool.name} is quarantined by the operator; calls are refused until it is released`);
      }
      if (s.readOnly && inv.tool.effect === 'write') {
        const why = s.readOnlyForced ? ' (MCP_READ_ONLY=1)' : '';
        return deny('READ_ONLY', `read-only mode is on${why}; write tool ${inv.tool.name} is disabled`);
      }
      return allow();
    },
  };
}
