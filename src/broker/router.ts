import {isFlexible} from '../protocol/codec.js';
import type {Handler} from './handler.js';

/** The registered handlers by API key; what is registered is what ApiVersions advertises. */
export class Router {
  private readonly byKey = new Map<number, Handler>();

  register(...handlers: Handler[]): this {
    for (const h of handlers) this.byKey.set(h.api.apiKey, h);
    return this;
  }

  get(apiKey: number): Handler | undefined {
    return this.byKey.get(apiKey);
  }

  supports(apiKey: number, version: number): boolean {
    const h = this.byKey.get(apiKey);
    return h !== undefined && version >= h.minVersion && version <= h.maxVersion;
  }

  /** Whether a request of this key and version uses the flexible (v2) request header. */
  readonly requestIsFlexible = (apiKey: number, version: number): boolean => {
    const h = this.byKey.get(apiKey);
    return h !== undefined && this.supports(apiKey, version) && isFlexible(h.api.request, version);
  };

  apiVersions(): Array<{apiKey: number; minVersion: number; maxVersion: number}> {
    return [...this.byKey.values()]
      .map((h) => ({apiKey: h.api.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion}))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
