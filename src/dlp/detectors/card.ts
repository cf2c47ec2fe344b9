/** Luhn (mod 10) over a digit string. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

type Network = { name: string; lengths: readonly number[]; match(p: number): boolean };

/** p is the first 6 digits as a number. Ranges from the networks' published IIN tables. */
const NETWORKS: readonly Network[] = [
  { name: 'visa', lengths: [13, 16, 19], match: (p) => p >= 400000 && p <= 499999 },
  { name: 'mastercard', lengths: [16], match: (p) => (p >= 510000 && p <= 559999) || (p >= 222100 && p <= 272099) },
  { name: 'amex', lengths: [15], match: (p) => (p >= 340000 && p <= 349999) || (p >= 370000 && p <= 379999) },
  { name: 'discover', lengths: [16, 17, 18, 19], match: (p) => (p >= 601100 && p <= 601199) || (p >= 644000 && p <= 659999) || (p >= 622126 && p <= 622925) },
  { name: 'jcb', lengths: [16, 17, 18, 19], match: (p) => p >= 352800 && p <= 358999 },
  { name: 'diners', lengths: [14, 15, 16, 17, 18, 19], match: (p) => (p >= 300000 && p <= 305999) || (p >= 309500 && p <= 309599) || (p >= 360000 && p <= 369999) || (p >= 380000 && p <= 399999) },
  { name: 'unionpay', lengths: [16, 17, 18, 19], match: (p) => p >= 620000 && p <= 629999 },
];

/** The card network of a digit string whose prefix, length and Luhn digit all agree; else undefined. */
export function cardNetwork(digits: string): string | undefined {
  const n = digits.length;
  if (n < 13 || n > 19) return undefined;
  const p = Number(digits.slice(0, 6));
  for (const net of NETWORKS) {
    if (net.match(p) && net.lengths.includes(n)) return luhn(digits) ? net.name : undefined;
  }
  return undefined;
}
