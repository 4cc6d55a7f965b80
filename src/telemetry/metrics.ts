/** The kind of a pipeline component, as Flume names them in its /metrics JSON (SOURCE.tail). */
export type ComponentKind = 'SOURCE' | 'CHANNEL' | 'SINK' | 'DRAIN';

/** Counters and gauges of one component; `state` is a word a person reads (ok, parked, ...). */
export interface ComponentSnapshot {
  kind: ComponentKind;
  name: string;
  type: string;
  state?: string;
  counters: Record<string, number>;
}

export class ComponentMetrics {
  readonly counters: Record<string, number> = {};
  state?: string;

  constructor(
    readonly kind: ComponentKind,
    readonly name: string,
    readonly type: string,
  ) {}

  count(counter: string, n = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + n;
  }

  set(gauge: string, value: number): void {
    this.counters[gauge] = value;
  }

  snapshot(): ComponentSnapshot {
    return {kind: this.kind, name: this.name, type: this.type, state: this.state, counters: {...this.counters}};
  }
}

/** Every component of one agent or drain; snapshot() is what status files and the dashboard read. */
export class Metrics {
  private readonly components = new Map<string, ComponentMetrics>();

  component(kind: ComponentKind, name: string, type: string): ComponentMetrics {
    const id = `${kind}.${name}`;
    let c = this.components.get(id);
    if (!c) this.components.set(id, (c = new ComponentMetrics(kind, name, type)));
    return c;
  }

  snapshot(): ComponentSnapshot[] {
    return [...this.components.values()].map((c) => c.snapshot());
  }
}
