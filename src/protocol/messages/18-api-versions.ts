import {type ApiSchema, array, field} from '../schema.js';

/** ApiVersions: its response header is always v0, even for flexible v3 (see header.ts). */
export const ApiVersions: ApiSchema = {
  apiKey: 18,
  name: 'ApiVersions',
  request: {
    versions: '0-3',
    flexibleVersions: '3+',
    fields: [field('clientSoftwareName', 'string', '3+'), field('clientSoftwareVersion', 'string', '3+')],
  },
  response: {
    versions: '0-3',
    flexibleVersions: '3+',
    fields: [
      field('errorCode', 'int16'),
      array('apiKeys', [field('apiKey', 'int16'), field('minVersion', 'int16'), field('maxVersion', 'int16')]),
      field('throttleTimeMs', 'int32', '1+'),
      array('supportedFeatures', [field('name', 'string'), field('minVersion', 'int16'), field('maxVersion', 'int16')], '3+', {tag: 0, taggedVersions: '3+', default: null}),
      field('finalizedFeaturesEpoch', 'int64', '3+', {tag: 1, taggedVersions: '3+', default: -1}),
      array('finalizedFeatures', [field('name', 'string'), field('maxVersionLevel', 'int16'), field('minVersionLevel', 'int16')], '3+', {tag: 2, taggedVersions: '3+', default: null}),
      field('zkMigrationReady', 'bool', '3+', {tag: 3, taggedVersions: '3+', default: false}),
    ],
  },
};
