import type {ApiSchema} from '../schema.js';
import {ApiVersions} from './18-api-versions.js';

/** Every API whose messages we define. */
export const SCHEMAS: readonly ApiSchema[] = [ApiVersions];

export const SCHEMA_BY_KEY: ReadonlyMap<number, ApiSchema> = new Map(SCHEMAS.map((s) => [s.apiKey, s]));
