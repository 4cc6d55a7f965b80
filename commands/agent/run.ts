import {Args} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveClient} from '../../src/cli/client-flags.js';
import {untilInterrupted} from '../../src/cli/interrupt.js';
import {refuseSettingsBesidesServers} from '../../src/client/client-settings.js';
import {runAgent, type AgentReport} from '../../src/services/agent-service.js';
import {table} from '../../src/services/text-table.js';
import {loadAgentConfig} from '../../src/topology/agent-config.js';
import {resolveConfigFile} from '../../src/topology/bundled.js';

export default class AgentRun extends KcollectCommand {
  static override summary = 'Run a collection agent: its sources, interceptors, channels and sinks, from a YAML file';
  static override description =
    'The YAML names sources (tail, spooldir, netcat, syslogtcp, syslogudp, http, forward), channels (memory, file) and sinks (kafka, hbase, file_roll, logger, forward) the way a Flume agent file does; topology/agents/ ships the smart-car agents and `kcollect agent import` converts a Flume properties file. Every source moves its position only once its events are safe. Runs until Ctrl-C, then drains the channels and prints the counters.';
  static override examples = ['<%= config.bin %> agent run smartcar-driving', '<%= config.bin %> agent run topology/agents/smartcar-driving.yaml', '<%= config.bin %> agent run my-agent.yaml -b kafka1:9092,kafka2:9092'];

  static override args = {file: Args.string({required: true, description: 'agent YAML file, or the name of a shipped one (`kcollect topology list`)'})};
  static override flags = {...kafkaFlags};

  async run(): Promise<AgentReport> {
    const {args, flags} = await this.parse(AgentRun);
    const config = loadAgentConfig(resolveConfigFile(args.file, 'agent'));
    const log = (line: string) => this.logToStderr(`kcollect: ${line}`);
    const {brokers, properties} = resolveClient(flags, Object.entries(config.properties ?? {}).map(([key, value]) => ({key, value, where: `${args.file}: properties`})));
    // Each sink has its own acks, compression and idempotent: such properties here would be lost.
    refuseSettingsBesidesServers(properties, 'set them on each kafka sink of the agent file (sinks.NAME.acks, compression, idempotent)');
    const report = await untilInterrupted((signal) =>
      runAgent(config, {brokers, signal, log, stateDir: '.kcollect', progress: this.jsonEnabled() ? undefined : process.stderr, onStarted: () => log(`agent ${config.name} running (Ctrl-C to stop)`)}),
    );
    const rows = report.components.map((c) => [`${c.kind}.${c.name}`, c.type, c.state ?? '', Object.entries(c.counters).map(([k, v]) => `${k}=${v}`).join(' ')]);
    this.log(table(['COMPONENT', 'TYPE', 'STATE', 'COUNTERS'], rows));
    return report;
  }
}
