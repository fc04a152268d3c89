import { GantryError } from '../../domain/errors.ts';

/** Multipliers of the suffixes a Kubernetes quantity may carry (binary, decimal SI, and the `n`/`u` of canonical forms). */
const suffixes: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

// The exponent form comes before the bare `E` suffix: `1E3` is a thousand, `1E` an exa.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/**
 * The value of a Kubernetes resource quantity as a plain number: CPU in cores (`250m` → 0.25,
 * `12345678n` → 0.012345678), memory in bytes (`16Mi` → 16777216, `1k` → 1000, `1e3` → 1000).
 * @throws GantryError('internal') when the text is no quantity: the metrics API sent something
 *   Gantry cannot read.
 */
export function parseQuantity(text: string): number {
  const match = QUANTITY.exec(text.trim());
  if (!match) {
    throw new GantryError(
      'internal',
      `"${text}" is not a Kubernetes quantity (expected a number with an optional suffix such as 250m, 12345678n, 16Mi or 1e3)`,
    );
  }
  const [, number, exponent, suffix] = match;
  const value = Number(number);
  if (exponent) return value * 10 ** Number(exponent.slice(1));
  return value * suffixes[suffix ?? '']!;
}
