import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {parseDuration} from '../../src/lib/size.js';
import {formatSummary, secToTime, today} from '../../src/simulate/common.js';
import {DRIVING_DEFAULT_FILE, runDrivingSimulator, type DrivingResult, type DrivingSpeed} from '../../src/simulate/driving.js';

export default class SimulateDriving extends KcollectCommand {
  static override summary = "Write the book's real-time driver log (a file for a tail collector)";
  static override description = [
    "Reproduces the book's DriverLogMain: one header line per car (\"Driver Status Infomation,...\", the book's typo), then one record per car every 2 simulated seconds, 000000 through the hour-24 record 240000 (43,201 records per car).",
    'Record: yyyyMMddHHmmss,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum, e.g. 20160101000002,B0002,3,0,F,N,45,C07. 10% of the cars are wild drivers; congestion areas (A10 B02 C04 D05 E10 F06) cut speed to 30%.',
    '--speed realtime (default): every car writes a record each 100 ms, as the book does (100 cars: ~1,000 lines/s; the simulated day takes 72 minutes). --speed max: as fast as possible.',
    'Lines are appended (use --truncate to start the file afresh, like the book); a run of a day the file already holds goes on after its last record, so no time and car repeat. Always whole lines in one write per batch, so `tail -F` or `kcollect tail-produce` never sees half a line. Stops at the end of the simulated day, after --duration, or on Ctrl-C / SIGTERM, then prints what it wrote.',
    'Same --seed, same lines (in either speed mode).',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> simulate driving --cars 3 --duration 10s',
    '<%= config.bin %> simulate driving --cars 100 --out driver-realtime-log/SmartCarDriverInfo.log',
    '<%= config.bin %> simulate driving --cars 100 --speed max --date 20160101 --seed 42 --json',
  ];

  static override flags = {
    cars: Flags.integer({default: 100, min: 1, max: 99_999, env: 'KCOLLECT_SIM_CARS', description: 'number of cars (drivers)'}),
    date: Flags.string({env: 'KCOLLECT_SIM_DATE', description: 'simulated day, yyyyMMdd (default: today)'}),
    out: Flags.string({default: DRIVING_DEFAULT_FILE, env: 'KCOLLECT_DRIVING_OUT', description: 'log file to append to (its directory is created)'}),
    speed: Flags.string({default: 'realtime', options: ['realtime', 'max'], env: 'KCOLLECT_DRIVING_SPEED', description: 'realtime: a record per car every 100 ms; max: as fast as possible'}),
    duration: Flags.string({env: 'KCOLLECT_DRIVING_DURATION', description: 'stop after this long, e.g. 30s, 5m (default: at the end of the simulated day)'}),
    seed: Flags.integer({min: 0, env: 'KCOLLECT_SIM_SEED', description: 'random seed, to reproduce the lines exactly (default: random, printed at the end)'}),
    truncate: Flags.boolean({default: false, env: 'KCOLLECT_DRIVING_TRUNCATE', description: 'empty the file first (the book truncates; the default appends)'}),
  };

  async run(): Promise<DrivingResult> {
    const {flags} = await this.parse(SimulateDriving);
    const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration');
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const speed = flags.speed as DrivingSpeed;
      const onStart = ({file, seed, wildCars}: {file: string; seed: number; wildCars: number[]}) => {
        if (this.jsonEnabled()) return;
        const until = durationMs === undefined ? 'until the end of the simulated day' : `for ${flags.duration}`;
        process.stderr.write(`simulating ${flags.cars} drivers (${wildCars.length} wild), ${speed}, ${until}, into ${file} (seed ${seed}); Ctrl-C stops\n`);
      };
      const result = await runDrivingSimulator({cars: flags.cars, outFile: flags.out, speed, durationMs, date: flags.date ?? today(), seed: flags.seed, truncate: flags.truncate, signal: abort.signal, onStart});
      if (!this.jsonEnabled()) this.log(`${formatSummary(result)}; stopped by ${result.stoppedBy}${result.lastSecond === null ? '' : ` at simulated ${result.date}${secToTime(result.lastSecond)}`}`);
      return result;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }
}

