import type {Event} from '../../../pipeline/event.js';
import {rejectReason} from '../../classify.js';
import type {SyslogFrame} from './framing.js';
import {parseSyslog} from './parse.js';

/** Flume's header for messages it could not parse (Invalid) or had to cut (Incomplete). */
export const STATUS_HEADER = 'flume.syslog.status';

export interface SyslogEventOptions {
  /** Keep the whole message as the body (Flume's keepFields = all); default: MSG only. */
  keepFields?: boolean;
  /** Header that receives the sender's IP address (Flume's clientIPHeader). */
  clientIPHeader?: string;
  /** The size limit the frame was cut to, for the reason given with a cut message. */
  maxBytes?: number;
}

/**
 * One syslog message as an event, with Flume's headers: Facility, Severity, host, timestamp
 * (ms), plus appName, procId, msgId and structuredData when the message has them. A message
 * that does not parse is kept whole with status Invalid; one cut to the size limit is marked
 * Incomplete and rejected, so a sink with a dead-letter topic keeps it there.
 */
export function syslogEvent(frame: SyslogFrame, peer: string, options: SyslogEventOptions = {}): Event {
  const parsed = parseSyslog(frame.message);
  const headers: Record<string, string> = {};
  if (parsed.facility !== undefined) headers.Facility = String(parsed.facility);
  if (parsed.severity !== undefined) headers.Severity = String(parsed.severity);
  if (parsed.hostname !== undefined) headers.host = parsed.hostname;
  if (parsed.timestamp !== undefined) headers.timestamp = String(parsed.timestamp);
  if (parsed.appName !== undefined) headers.appName = parsed.appName;
  if (parsed.procId !== undefined) headers.procId = parsed.procId;
  if (parsed.msgId !== undefined) headers.msgId = parsed.msgId;
  if (parsed.structuredData !== undefined) headers.structuredData = parsed.structuredData;
  if (options.clientIPHeader) headers[options.clientIPHeader] = peer;
  const cut = frame.length > frame.message.length;
  if (parsed.format === 'invalid') headers[STATUS_HEADER] = 'Invalid';
  if (cut) headers[STATUS_HEADER] = 'Incomplete';
  const body = options.keepFields ? frame.message : parsed.body;
  const event: Event = {headers, body, origin: {host: peer}};
  const rejected = cut ? `syslog message of ${frame.length} bytes exceeds eventSize (${options.maxBytes ?? frame.message.length} bytes)` : rejectReason(body);
  if (rejected) event.rejected = rejected;
  return event;
}
