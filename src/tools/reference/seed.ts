import { REGIONS, TENANTS } from './regions.js';

export const SEED_ORDERS = 1200;

export interface SeedOrder {
  readonly id: string; readonly tenant: string; readonly region: string;
  readonly email: string; readonly phone: string; readonly amountCents: number;
  readonly currency: string; readonly status: string; readonly createdAt: string;
}

/**
 * The demo data set: 1,200 orders of two tenants across two regions, the same on
 * every backend and every run (a fixed PRNG seed). Each region's store is seeded
 * with its own slice of it.
 */
export function seedOrders(): SeedOrder[] {
  const rand = mulberry32(20250825);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const first = ['ana', 'ben', 'chloe', 'dmitri', 'eva', 'farah', 'gus', 'hana', 'ivan', 'jules', 'kai', 'lena'];
  const last = ['smith', 'garcia', 'muller', 'rossi', 'dubois', 'nowak', 'silva', 'tanaka'];
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const out: SeedOrder[] = [];
  for (let i = 0; i < SEED_ORDERS; i++) {
    const tenant = TENANTS[i % 2]!;
    const region = pick(REGIONS);
    let id = 'ord_';
    for (let k = 0; k < 12; k++) id += alphabet[Math.floor(rand() * alphabet.length)];
    // Every fifth order falls in the seed's smoke-test week, 2025-08-25..31.
    const day = i % 5 === 0 ? 236 + Math.floor(rand() * 7) : Math.floor(rand() * 365);
    const createdAt = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
    const f = pick(first);
    const l = pick(last);
    const email = `${f}.${l}${i}@${tenant}-customers.example`;
    const phone = `+${region === 'eu-west' ? '44' : '1'}${String(2000000000 + Math.floor(rand() * 7999999999)).slice(0, 10)}`;
    const amountCents = 500 + Math.floor(rand() * 50000);
    out.push({ id, tenant, region, email, phone, amountCents, currency: region === 'eu-west' ? 'EUR' : 'USD', status: pick(['paid', 'shipped', 'refunded', 'pending']), createdAt });
  }
  return out;
}

/** The slice of the demo data that lives in one region. */
export function seedFor(region: string): SeedOrder[] {
  return seedOrders().filter((o) => o.region === region);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
