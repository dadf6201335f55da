/** A queue of one-shot (or N-shot) faults that tests arm and the emulators consume request by request. */

export interface FaultBase {
  kind: string;
  /** How many matching requests the fault hits. Default 1; 0 or a negative number means forever. */
  count?: number;
}

interface Armed<F> {
  fault: F;
  remaining: number;
}

export class FaultQueue<F extends FaultBase> {
  private armed: Armed<F>[] = [];

  constructor(private readonly validate: (f: unknown) => F) {}

  /** Arms one fault or several (validated; throws on an unknown kind or a bad field). */
  add(faults: F | F[] | unknown): void {
    const list = Array.isArray(faults) ? faults : [faults];
    for (const raw of list) {
      const fault = this.validate(raw);
      const count = fault.count ?? 1;
      this.armed.push({ fault, remaining: count > 0 ? count : Infinity });
    }
  }

  /** Consumes one shot of the first armed fault that satisfies `match`. */
  take(match: (f: F) => boolean): F | undefined {
    const idx = this.armed.findIndex((a) => match(a.fault));
    if (idx < 0) return undefined;
    const a = this.armed[idx]!;
    a.remaining -= 1;
    if (a.remaining <= 0) this.armed.splice(idx, 1);
    return a.fault;
  }

  clear(): void {
    this.armed = [];
  }

  list(): { fault: F; remaining: number | 'forever' }[] {
    return this.armed.map((a) => ({ fault: a.fault, remaining: a.remaining === Infinity ? 'forever' : a.remaining }));
  }
}

export function requireObject(raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('fault must be a JSON object');
  return raw as Record<string, unknown>;
}

export function optionalNumber(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`fault field ${key} must be a number`);
  return v;
}

export function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`fault field ${key} must be a string`);
  return v;
}
