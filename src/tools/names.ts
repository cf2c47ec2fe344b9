/**
 * The tools `palisade serve` provides, by name, without opening their backends:
 * `palisade kill quarantine` checks names against this list (and against the
 * catalog a running server recorded). A test keeps it equal to the runtime's tools.
 */
export const REFERENCE_TOOL_NAMES: readonly string[] = Object.freeze(['orders.export', 'orders.get', 'flag.set', 'flag.get', 'web.fetchSafe']);
