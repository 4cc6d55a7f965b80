/**
 * ZooKeeper for kcollect: a promise-based client (ZkClient), the znode commands' operations, and
 * (in ./server/) the lifecycle of a real ZooKeeper from Debian's package.
 */
export {ZkClient} from './client.js';
export type {ZkConnectOptions, ZkCreateMode, ZkCreateOptions, ZkCreateResult, ZkOp, ZkOpResult, ZkState, ZkWatchEvent, ZkWatchListener, ZkWatchType} from './client.js';
export {ZkError, ZK_CODES, isZkError, zkUserError} from './errors.js';
export type {ZkErrorName, ZkErrorContext} from './errors.js';
export {validateZnodePath, znodePathProblem, joinZnodePath, parentZnodePath, znodeName, parseConnectString} from './paths.js';
export type {ParsedConnectString, ZkServerAddress} from './paths.js';
export {toZnodeStat, zxidToBigInt, formatStatLines} from './stat.js';
export type {ZnodeStat} from './stat.js';
export {describeData, decodeUtf8, hexDump, isPrintableText, readDataInput, ZNODE_DATA_LIMIT} from './data.js';
export type {ZnodeData} from './data.js';
export {watchZnodes} from './watch.js';
export type {ZnodeWatchEvent, ZnodeWatcher} from './watch.js';
export * from './ops.js';
