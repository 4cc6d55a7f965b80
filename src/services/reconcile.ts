import fs from 'node:fs';
import path from 'node:path';
import {fetchRecords} from '../client/fetcher.js';
import {withAdmin} from '../client/admin.js';
import {HBaseRestClient, HBaseUnavailableError} from '../hbase/rest-client.js';
import {UserError} from '../lib/errors.js';
import type {HttpClientSecurity} from '../lib/http-security.js';
import {table} from './text-table.js';

/** How one stage's copy of the lines compares with what was written. */
export interface StageCount {
  stage: string;
  /** Copies found in this stage. */
  count: number;
  /** Written lines this stage does not hold, before the last one it holds (in file order). */
  lost: number;
  /** Written lines after the last one this stage holds: still on their way while the pipeline runs. */
  notYet: number;
  /** Extra copies of written lines in this stage. */
  duplicated: number;
  /** Lines in this stage that were never written (should be 0; a sign of corruption). */
  unexpected: number;
}

export interface PipelineReconciliation {
  pipeline: string;
  /** Record lines written at the start of the pipeline. */
  written: number;
  stages: StageCount[];
  deadLettered: number;
  /** Written lines missing from a stage and not dead-lettered. */
  lost: number;
  /** Written lines not yet in the last stage (written after everything it holds). */
  notYet: number;
  /** Extra copies (or lines never written) in any stage. */
  duplicated: number;
}

/** Counts of each distinct line. */
export function tally(lines: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

/**
 * Compares a stage's lines with the written ones (in file order), line by line as a multiset.
 * Missing lines after the last line the stage holds are "not yet" there rather than lost: a
 * collector that is still running has not sent them yet.
 */
export function compareStage(stage: string, writtenLines: string[], found: Iterable<string>): StageCount {
  const written = tally(writtenLines);
  const have = tally(found);
  let count = 0;
  let lost = 0;
  let duplicated = 0;
  let unexpected = 0;
  for (const [line, n] of have) {
    count += n;
    const want = written.get(line);
    if (want === undefined) unexpected += n;
    else if (n > want) duplicated += n - want;
  }
  for (const [line, n] of written) lost += Math.max(0, n - (have.get(line) ?? 0));
  let notYet = 0;
  for (let i = writtenLines.length - 1; i >= 0 && !have.has(writtenLines[i]); i--) notYet++;
  return {stage, count, lost: lost - notYet, notYet, duplicated, unexpected};
}

/** Record lines of log files (what the `^\d{14}`-style filter keeps). */
export function readLogLines(files: string[], keep: RegExp): string[] {
  return readLogFiles(files, keep).records;
}

/** readLogLines, with how many lines the files had in all (to tell a filter that keeps nothing). */
export function readLogFiles(files: string[], keep: RegExp): {records: string[]; read: number} {
  const records: string[] = [];
  let read = 0;
  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop(); // the final newline ends a line, it does not start one
    read += lines.length;
    for (const line of lines) if (keep.test(line)) records.push(line.replace(/\r$/, ''));
  }
  return {records, read};
}

/** Every value of a topic, from the beginning to its current end; [] when it does not exist. */
export async function topicValues(brokers: string[], topic: string): Promise<string[]> {
  const exists = await withAdmin(brokers, async (admin) => (await admin.listTopics()).some((t) => t.name === topic));
  if (!exists) return [];
  const values: string[] = [];
  await fetchRecords({brokers, topic, start: {kind: 'beginning'}, stopAtEnd: true, maxWaitMs: 100, clientId: 'kcollect-verify'}, (records) => {
    for (const r of records) values.push(r.value?.toString('utf8') ?? '');
  });
  return values;
}

/** Rows of an HBase table turned back into lines: the named columns' values joined by `delimiter`. */
export async function hbaseLines(url: string, table: string, family: string, columns: string[], delimiter = ',', security?: HttpClientSecurity): Promise<string[]> {
  const client = new HBaseRestClient(url, {security});
  try {
    return await readRows(client, table, family, columns, delimiter);
  } catch (err) {
    if (err instanceof HBaseUnavailableError) throw new UserError(`the HBase REST gateway at ${url} does not answer (${err.message})`, 'start it, or point --hbase-url at it');
    throw err;
  } finally {
    client.close();
  }
}

async function readRows(client: HBaseRestClient, table: string, family: string, columns: string[], delimiter: string): Promise<string[]> {
  if (!(await client.tableExists(table))) return [];
  const lines: string[] = [];
  for await (const row of client.scan(table, {batch: 5000})) {
    // A scan returns the newest version of each cell first.
    const latest = new Map<string, string>();
    for (const cell of row.cells) if (!latest.has(cell.column)) latest.set(cell.column, cell.value.toString('utf8'));
    lines.push(columns.map((c) => latest.get(`${family}:${c}`) ?? '').join(delimiter));
  }
  return lines;
}

/** Lines of the closed files under a file sink's directory (in-use names, ending `inUseSuffix`, skipped). */
export function fileSinkLines(dir: string, inUseSuffix = '.tmp'): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, {withFileTypes: true});
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !e.name.endsWith(inUseSuffix)) for (const line of fs.readFileSync(p, 'utf8').split('\n')) if (line !== '') out.push(line);
    }
  };
  walk(dir);
  return out;
}

/** Each written line looked for in Kafka and in the sink: what a pipeline lost or doubled. */
export function reconcilePipeline(pipeline: string, written: string[], found: {kafka: string[]; sinkStage?: string; sink?: string[]; deadLettered: number}): PipelineReconciliation {
  const stages = [compareStage('Kafka', written, found.kafka)];
  if (found.sink) stages.push(compareStage(found.sinkStage ?? 'sink', written, found.sink));
  const lost = Math.max(0, Math.max(...stages.map((s) => s.lost)) - found.deadLettered);
  const notYet = stages.at(-1)!.notYet;
  return {pipeline, written: written.length, stages, deadLettered: found.deadLettered, lost, notYet, duplicated: Math.max(...stages.map((s) => s.duplicated + s.unexpected))};
}

/** The reconciliation as a person reads it: every stage's count, what it lost and doubled. */
export function reconciliationTable(pipelines: PipelineReconciliation[]): string {
  const rows: Array<Array<string | number>> = [];
  for (const p of pipelines) {
    rows.push([p.pipeline, 'written', p.written, '', '', '']);
    for (const s of p.stages) rows.push(['', s.stage, s.count, s.lost, s.notYet, s.duplicated + s.unexpected]);
    rows.push(['', 'dead-lettered', p.deadLettered, '', '', '']);
    rows.push(['', 'RESULT', '', p.lost, p.notYet, p.duplicated]);
  }
  return table(['PIPELINE', 'STAGE', 'RECORDS', 'LOST', 'NOT YET', 'DUPLICATED'], rows);
}
