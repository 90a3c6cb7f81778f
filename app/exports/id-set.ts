/**
 * The IDs of one list, kept to check references (dangling ones are reported, issue 4:
 * "every ID link resolved"). Lists stream in ID order, so the numbers arrive sorted and
 * a growable Float64Array with binary search holds a million IDs in 8 MB — a Set of
 * numbers would take about six times that. IDs that are not safe integers (text from a
 * PostgreSQL bigint, or odd values) go to a small Set beside it.
 */
const SAFE_INT_TEXT = /^(?:0|-?[1-9]\d{0,14})$/;

export class IdSet {
  private nums = new Float64Array(1024);
  private n = 0;
  private sorted = true;
  private readonly others = new Set<string>();

  get size(): number {
    return this.n + this.others.size;
  }

  add(raw: unknown): void {
    const id = typeof raw === 'string' && SAFE_INT_TEXT.test(raw) ? Number(raw) : raw;
    if (typeof id === 'number' && Number.isSafeInteger(id)) {
      if (this.n === this.nums.length) {
        const next = new Float64Array(this.nums.length * 2);
        next.set(this.nums);
        this.nums = next;
      }
      if (this.n > 0 && (this.nums[this.n - 1] as number) >= id) this.sorted = false;
      this.nums[this.n++] = id;
      return;
    }
    if (id !== null && id !== undefined) this.others.add(String(id));
  }

  private ensureSorted(): void {
    if (this.sorted) return;
    const view = this.nums.subarray(0, this.n).sort();
    // Drop duplicates so the binary search stays simple.
    let w = 0;
    for (let r = 0; r < view.length; r++) if (w === 0 || view[r] !== view[w - 1]) view[w++] = view[r] as number;
    this.n = w;
    this.sorted = true;
  }

  has(id: unknown): boolean {
    if (typeof id === 'number' && Number.isSafeInteger(id)) {
      this.ensureSorted();
      let lo = 0;
      let hi = this.n - 1;
      const a = this.nums;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = a[mid] as number;
        if (v === id) return true;
        if (v < id) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    }
    if (typeof id === 'string' && SAFE_INT_TEXT.test(id)) return this.has(Number(id));
    return id !== null && id !== undefined && this.others.has(String(id));
  }
}
