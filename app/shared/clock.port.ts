/** Time is a port (ARCHITECTURE.md): policies are pure functions of `now`. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests and the e2e "fast-forward" configuration can move. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(d: Date): void {
    this.current = new Date(d.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A clock shifted by a fixed offset: how configuration fast-forwards grace periods. */
export class OffsetClock implements Clock {
  constructor(private readonly base: Clock, public offsetMs: number) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }
}
