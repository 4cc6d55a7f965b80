import fs from 'node:fs';
import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {UserError} from '../../src/lib/errors.js';
import {writeFileAtomic} from '../../src/lib/fs.js';
import {importFlumeConfig, renderAgentYaml, type FlumeImport} from '../../src/topology/flume-import.js';

export default class AgentImport extends KcollectCommand {
  static override summary = 'Convert a Flume agent properties file into a kcollect agent YAML file';
  static override description =
    'Reads a Flume .properties file (sources exec `tail -F`, TAILDIR, spooldir; the built-in interceptors; memory and file channels; kafka, logger, file_roll, hdfs and hbase sinks; selectors and sink groups) and writes the agent YAML that `kcollect agent run` takes. What cannot be converted (a custom interceptor class, an exec pipeline, ...) is listed with the reason on stderr and in a comment at the top of the YAML; nothing is dropped silently.';
  static override examples = [
    '<%= config.bin %> agent import SmartCar_Agent.conf --out topology/agents/smartcar.yaml',
    '<%= config.bin %> agent import flume.conf --agent a1',
    '<%= config.bin %> agent import flume.conf --json',
  ];

  static override args = {file: Args.string({required: true, description: 'Flume agent properties file'})};
  static override flags = {
    agent: Flags.string({env: 'KCOLLECT_IMPORT_AGENT', description: 'the agent to convert when the file defines several (the first part of each key)'}),
    out: Flags.string({char: 'o', env: 'KCOLLECT_IMPORT_OUT', description: 'write the YAML to this file instead of stdout'}),
  };

  async run(): Promise<FlumeImport> {
    const {args, flags} = await this.parse(AgentImport);
    let text: string;
    try {
      text = fs.readFileSync(args.file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read ${args.file}: ${(err as NodeJS.ErrnoException).code ?? err}`, 'give the path of a Flume agent properties file, e.g. conf/flume.conf');
    }
    const result = importFlumeConfig(text, flags.agent, args.file);
    const yaml = renderAgentYaml(result, args.file);
    if (flags.out) writeFileAtomic(flags.out, yaml);
    else if (!this.jsonEnabled()) process.stdout.write(yaml);
    if (!this.jsonEnabled()) {
      const where = flags.out ? ` into ${flags.out}` : '';
      const count = result.unconverted.length;
      this.logToStderr(`kcollect: converted agent ${result.agent}${where}; ${count === 0 ? 'every key converted' : `${count} key${count > 1 ? 's' : ''} not converted:`}`);
      for (const u of result.unconverted) this.logToStderr(`  ${u.key}: ${u.reason}`);
    }
    return result;
  }
}
