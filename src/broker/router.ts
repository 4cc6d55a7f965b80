import {isFlexible} from '../protocol/codec.js';
import type {Handler, LazyHandler} from './handler.js';

type Versions = Pick<Handler, 'minVersion' | 'maxVersion'>;

/**
 * The registered handlers by API key; what is registered is what ApiVersions advertises. A lazy
 * handler is advertised at once and loaded by `ready(apiKey)` before its first request is read.
 */
export class Router {
  private readonly byKey = new Map<number, Handler>();
  private readonly versions = new Map<number, Versions>();
  private readonly lazy = new Map<number, LazyHandler>();
  private readonly loading = new Map<number, Promise<void>>();

  register(...handlers: Handler[]): this {
    for (const h of handlers) {
      this.byKey.set(h.api.apiKey, h);
      this.versions.set(h.api.apiKey, h);
    }
    return this;
  }

  registerLazy(...handlers: LazyHandler[]): this {
    for (const h of handlers) {
      this.lazy.set(h.apiKey, h);
      this.versions.set(h.apiKey, h);
    }
    return this;
  }

  /** Undefined when the handler of this key is loaded (or there is none), else its loading. */
  ready(apiKey: number): Promise<void> | undefined {
    const lazy = this.lazy.get(apiKey);
    if (!lazy) return undefined;
    let loading = this.loading.get(apiKey);
    if (!loading) {
      loading = lazy.load().then((h) => {
        this.byKey.set(apiKey, h);
        this.lazy.delete(apiKey);
        this.loading.delete(apiKey);
      });
      this.loading.set(apiKey, loading);
    }
    return loading;
  }

  /** The handler of a key once loaded (`ready`). */
  get(apiKey: number): Handler | undefined {
    return this.byKey.get(apiKey);
  }

  supports(apiKey: number, version: number): boolean {
    const h = this.versions.get(apiKey);
    return h !== undefined && version >= h.minVersion && version <= h.maxVersion;
  }

  /** Whether a request of this key and version uses the flexible (v2) request header. */
  readonly requestIsFlexible = (apiKey: number, version: number): boolean => {
    const h = this.byKey.get(apiKey);
    return h !== undefined && this.supports(apiKey, version) && isFlexible(h.api.request, version);
  };

  apiVersions(): Array<{apiKey: number; minVersion: number; maxVersion: number}> {
    return [...this.versions.entries()]
      .map(([apiKey, h]) => ({apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion}))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
