import {Flags, type Interfaces} from '#oclif';
import {BROKER_START_FLAGS, type BrokerFlagSpec, type BrokerStartFlags, runBrokerStart} from '../../src/cli/broker-start.js';
import {KcollectCommand} from '../../src/cli/base-command.js';

// bin/run.js starts a broker without oclif when it can parse the arguments itself
// (src/cli/broker-start-fast.ts); help, and errors in the arguments, come from here.
function oclifFlag({type, ...spec}: BrokerFlagSpec): Interfaces.Flag<any> {
  return type === 'integer' ? Flags.integer(spec) : Flags.string(spec);
}

export default class BrokerStart extends KcollectCommand {
  static override summary = 'Run an embedded Kafka-compatible broker in the foreground';
  static override description =
    'Serves the Kafka wire protocol (kafkajs, librdkafka/kcat, kafka-python, confluent-kafka clients) with data on disk. --config reads a Kafka server.properties (listeners with PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL; ACLs); flags override it. SIGHUP reloads TLS certificates. Stops gracefully on Ctrl-C or SIGTERM.';
  static override examples = [
    '<%= config.bin %> broker start',
    '<%= config.bin %> broker start --listen 127.0.0.1:9093 --data-dir .kcollect/broker-1 --id 1',
    '<%= config.bin %> broker start --config server.properties',
  ];
  static override enableJsonFlag = false;

  static override flags: Interfaces.FlagInput = Object.fromEntries(Object.entries(BROKER_START_FLAGS).map(([name, spec]) => [name, oclifFlag(spec)]));

  async run(): Promise<void> {
    const {flags} = await this.parse(BrokerStart);
    await runBrokerStart(flags as BrokerStartFlags);
  }
}
