/** Who is calling: from a verified token (HTTP) or from config (stdio). */
export interface Principal {
  readonly id: string;
  /** e.g. `agent`, `user`, `service`. */
  readonly type: string;
  readonly tenant: string;
  readonly region: string;
  /** Purpose grants, e.g. `orders.read`, `flags.write:staging`. Never wildcards. */
  readonly grants: readonly string[];
}

/** A grant that names everything (`*`, `orders.*`, `flags.write:*`) is refused wherever grants enter. */
export function isWildcardGrant(grant: string): boolean {
  return grant.includes('*');
}

export function assertNoWildcardGrants(grants: readonly string[], where: string, kind?: string): void {
  for (const g of grants) {
    // `where` is only composed on failure: this runs on every call
    if (isWildcardGrant(g)) throw new TypeError(`${kind === undefined ? where : `${kind} ${where}`}: wildcard grant "${g}" is not allowed; name each purpose grant`);
  }
}
