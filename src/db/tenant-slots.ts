// At most so many database connections per tenant at once: one tenant's slow queries, or a burst
// of its calls, cannot hold every pooled connection while other tenants wait. A call over the
// cap waits for a slot (first come, first served) instead of failing; its deadline still bounds it.
export class TenantSlots {
  private readonly tenants = new Map<string, { busy: number; waiting: Array<() => void> }>();

  /** @param max slots per tenant; 0 or less: no cap. */
  constructor(private readonly max: number) {}

  async run<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    if (this.max <= 0) return work();
    let slots = this.tenants.get(tenantId);
    if (!slots) this.tenants.set(tenantId, (slots = { busy: 0, waiting: [] }));
    if (slots.busy >= this.max) await new Promise<void>((resolve) => slots!.waiting.push(resolve));
    else slots.busy++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = slots.waiting.shift();
      if (next) next();
      else if (--slots.busy === 0) this.tenants.delete(tenantId);
    }
  }

  /** Connections in use by a tenant's calls, and calls waiting for one (for tests and metrics). */
  usage(tenantId: string): { busy: number; waiting: number } {
    const slots = this.tenants.get(tenantId);
    return { busy: slots?.busy ?? 0, waiting: slots?.waiting.length ?? 0 };
  }
}
