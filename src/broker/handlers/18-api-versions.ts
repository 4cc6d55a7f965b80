// ApiVersions 0-3. v3 is flexible but its response header is always v0 (see protocol/header.ts).
import {ErrorCode} from '../../protocol/errors.js';
import {ApiVersions} from '../../protocol/messages/18-api-versions.js';
import type {Handler} from '../handler.js';
import type {Router} from '../router.js';

export const apiVersionsHandler: Handler = {
  api: ApiVersions,
  minVersion: 0,
  maxVersion: 3,
  handle(_request, {broker}) {
    return {errorCode: ErrorCode.NONE, apiKeys: broker.router.apiVersions(), throttleTimeMs: 0};
  },
};

/** The v0 answer to an ApiVersions version above ours (KIP-511): error 35 plus our versions. */
export function apiVersionsErrorResponse(router: Router) {
  return {errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: router.apiVersions(), throttleTimeMs: 0};
}
