import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {UserError} from '../../src/lib/errors.js';
import {formatSummary, today} from '../../src/simulate/common.js';
import {STATUS_RECORDS_PER_CAR, writeStatusFile, type StatusFileResult} from '../../src/simulate/status.js';

export default class SimulateStatus extends KcollectCommand {
  static override summary = "Write a day of the book's smart-car status log (batch file for a spool directory)";
  static override description = [
    "Reproduces the book's CarLogMain: <out>/SmartCarStatusInfo_<date>.txt with one header line per car, then one record per car every 4 simulated seconds, 000000 through the hour-24 record 240000 (" +
      `${STATUS_RECORDS_PER_CAR.toLocaleString('en-US')} records per car; ~104 MB for 100 cars), written as fast as the disk allows.`,
    'Record: yyyyMMddHHmmss,CarNum,TireFL,TireFR,TireBL,TireBR,LightFL,LightFR,LightBL,LightBR,EngineInfo,BreakInfo,BatteryInfo, e.g. 20160101000000,K0001,87,84,70,98,1,1,1,1,A,A,99. Faults (tire <= 69, light 2, engine/brake C, battery <= 49) are rare and, once drawn, stay for the rest of the day.',
    "Lines of all cars are interleaved round-robin by simulated time (the book's threads interleave them in no set order).",
    'The file is written under a hidden temporary name (.SmartCarStatusInfo_<date>.txt.<pid>.tmp) in the same directory and renamed when complete, so a spool-directory collector watching --out never picks up a half-written file; an interrupted run leaves nothing behind.',
    'Same --seed, same file.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> simulate status --cars 3 --date 20160101', '<%= config.bin %> simulate status --cars 100 --date 20160101 --out car-batch-log --seed 42'];

  static override flags = {
    cars: Flags.integer({default: 100, min: 1, max: 99_999, env: 'KCOLLECT_SIM_CARS', description: 'number of cars (the book: 3 for a smoke test, 100 for the pilot)'}),
    date: Flags.string({env: 'KCOLLECT_SIM_DATE', description: 'simulated day, yyyyMMdd (default: today)'}),
    out: Flags.string({default: 'SmartCar', env: 'KCOLLECT_STATUS_OUT', description: 'directory to write SmartCarStatusInfo_<date>.txt into (created if missing)'}),
    seed: Flags.integer({min: 0, env: 'KCOLLECT_SIM_SEED', description: 'random seed, to reproduce a file exactly (default: random, printed at the end)'}),
  };

  async run(): Promise<StatusFileResult> {
    const {flags} = await this.parse(SimulateStatus);
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const result = await writeStatusFile({cars: flags.cars, date: flags.date ?? today(), outDir: flags.out, seed: flags.seed, signal: abort.signal});
      if (!this.jsonEnabled()) this.log(formatSummary(result));
      return result;
    } catch (err) {
      if (abort.signal.aborted) throw new UserError('interrupted: the status file was not finished, and its temporary file was removed', 'run the command again and let it finish (a 100-car day takes a few seconds)');
      throw err;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }
}
