import {hbaseUrlFlag} from './flags.js';
import {httpClientFlags, httpClientSecurity} from './http-flags.js';
/** The sink flags `consume --to ...` and `replay --to ...` share, and the settings they make. */
import {Flags} from '#oclif';
import {UserError} from '../lib/errors.js';
import {parseDuration, parseSize} from '../lib/size.js';
import type {BackoffPolicy} from '../lib/backoff.js';
import {DEFAULT_BACKOFF} from '../lib/backoff.js';
import {FILE_ROLL_DEFAULTS} from '../sinks/file-roll-sink.js';
import {BOOK_COLUMNS, BOOK_ROW_KEY, ROW_KEY_HELP} from '../sinks/hbase-rows.js';
import {PATH_ESCAPES_HELP, TIME_FROM} from '../sinks/path-escapes.js';
import type {SinkKind, SinkSettings} from '../sinks/open-sink.js';

export const sinkFlags = {
  'hbase-url': {...hbaseUrlFlag, helpGroup: 'HBASE'},
  ...httpClientFlags('hbase', 'HBase REST gateway'),
  table: Flags.string({env: 'KCOLLECT_HBASE_TABLE', default: 'DriverCarInfo', helpGroup: 'HBASE', description: 'HBase table'}),
  'column-family': Flags.string({env: 'KCOLLECT_HBASE_FAMILY', default: 'cf1', helpGroup: 'HBASE', description: 'column family of every cell'}),
  columns: Flags.string({env: 'KCOLLECT_HBASE_COLUMNS', default: BOOK_COLUMNS.join(','), helpGroup: 'HBASE', description: 'qualifier of each comma-separated field of a record, in order'}),
  'row-key': Flags.string({env: 'KCOLLECT_HBASE_ROW_KEY', default: BOOK_ROW_KEY, helpGroup: 'HBASE', description: `row key template: ${ROW_KEY_HELP}`}),
  'create-table': Flags.boolean({env: 'KCOLLECT_HBASE_CREATE_TABLE', default: false, helpGroup: 'HBASE', description: 'create the table (with the column family) when it does not exist, or add the column family to a table without it'}),
  'out-dir': Flags.string({env: 'KCOLLECT_OUT_DIR', helpGroup: 'FILE', description: `directory of the files, with path escapes: ${PATH_ESCAPES_HELP}`}),
  'file-prefix': Flags.string({env: 'KCOLLECT_FILE_PREFIX', default: FILE_ROLL_DEFAULTS.filePrefix, helpGroup: 'FILE', description: 'start of every file name (escapes allowed); the name goes on with TOPIC-PARTITION-FIRSTOFFSET'}),
  'file-suffix': Flags.string({env: 'KCOLLECT_FILE_SUFFIX', default: FILE_ROLL_DEFAULTS.fileSuffix, helpGroup: 'FILE', description: 'end of every file name'}),
  'in-use-prefix': Flags.string({env: 'KCOLLECT_IN_USE_PREFIX', default: FILE_ROLL_DEFAULTS.inUsePrefix, helpGroup: 'FILE', description: 'prefix of a file while it is written'}),
  'in-use-suffix': Flags.string({env: 'KCOLLECT_IN_USE_SUFFIX', default: FILE_ROLL_DEFAULTS.inUseSuffix, helpGroup: 'FILE', description: 'suffix of a file while it is written'}),
  'roll-size': Flags.string({env: 'KCOLLECT_ROLL_SIZE', default: '64MiB', helpGroup: 'FILE', description: 'close a file once it holds this many bytes (0: never)'}),
  'roll-count': Flags.integer({env: 'KCOLLECT_ROLL_COUNT', default: 0, min: 0, helpGroup: 'FILE', description: 'close a file once it holds this many records (0: never)'}),
  'roll-interval': Flags.string({env: 'KCOLLECT_ROLL_INTERVAL', default: '0', helpGroup: 'FILE', description: 'close a file this long after it was opened, e.g. 30s (0: never)'}),
  'idle-timeout': Flags.string({env: 'KCOLLECT_IDLE_TIMEOUT', default: '30s', helpGroup: 'FILE', description: 'close a file nothing was written to for this long (0: never)'}),
  'time-from': Flags.string({env: 'KCOLLECT_TIME_FROM', default: 'record', options: [...TIME_FROM], helpGroup: 'FILE', description: "the time of the path's %Y %m %d ...: record = the line's leading yyyyMMddHHmmss (else the timestamp header), header = the timestamp header (when it was collected), kafka = the Kafka record's timestamp"}),
  'batch-size': Flags.integer({env: 'KCOLLECT_BATCH_SIZE', default: 500, min: 1, description: 'records per sink write (and per offset commit)'}),
  'dlq-topic': Flags.string({env: 'KCOLLECT_DLQ_TOPIC', description: 'dead-letter topic for records the sink refuses (default: TOPIC.dlq, created on first use)'}),
  'retry-backoff': Flags.string({env: 'KCOLLECT_RETRY_BACKOFF', default: `${DEFAULT_BACKOFF.initialMs}ms`, description: 'first wait before probing a failed sink; doubles per failure'}),
  'retry-max': Flags.string({env: 'KCOLLECT_RETRY_MAX', default: `${DEFAULT_BACKOFF.maxMs / 1000}s`, description: 'longest wait between probes of a failed sink'}),
};

type SinkFlagValues = {[K in keyof typeof sinkFlags]: any};

export function backoffFromFlags(flags: SinkFlagValues): BackoffPolicy {
  const initialMs = Math.max(1, parseDuration(flags['retry-backoff'], '--retry-backoff'));
  return {initialMs, maxMs: Math.max(initialMs, parseDuration(flags['retry-max'], '--retry-max'))};
}

/** The sink settings for `--to kind`; stdout's stream and renderer come from the command. */
export function sinkSettingsFromFlags(kind: Exclude<SinkKind, 'kafka'>, flags: SinkFlagValues, stdout: Extract<SinkSettings, {kind: 'stdout'}>): SinkSettings {
  if (kind === 'stdout') return stdout;
  if (kind === 'hbase') {
    return {
      kind,
      url: flags['hbase-url'],
      table: flags.table,
      family: flags['column-family'],
      columns: String(flags.columns)
        .split(',')
        .map((c) => c.trim()),
      rowKey: flags['row-key'],
      createTable: flags['create-table'],
      security: httpClientSecurity('hbase', flags),
    };
  }
  if (!flags['out-dir']) throw new UserError('--to file needs --out-dir DIR', `e.g. --out-dir 'collect/%{topic}/wrk_date=%Y%m%d'; escapes: ${PATH_ESCAPES_HELP}`);
  return {
    kind,
    dir: flags['out-dir'],
    filePrefix: flags['file-prefix'],
    fileSuffix: flags['file-suffix'],
    inUsePrefix: flags['in-use-prefix'],
    inUseSuffix: flags['in-use-suffix'],
    rollSize: parseSize(flags['roll-size'], '--roll-size'),
    rollCount: flags['roll-count'],
    rollIntervalMs: parseDuration(flags['roll-interval'], '--roll-interval'),
    idleTimeoutMs: parseDuration(flags['idle-timeout'], '--idle-timeout'),
    timeFrom: flags['time-from'],
  };
}
