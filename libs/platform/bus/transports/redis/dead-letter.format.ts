/**
 * The fields of an entry in a dead-letter stream (`<prefix>:{evt:<event>}:dlq`), written by the
 * consumer that gave up on it and read by DeadLetters: the subscribing module (group), the
 * entry's id in the event stream, how often it was delivered, its first and latest error,
 * and the message itself (`m`, the envelope as the stream held it).
 */
export interface DeadLetterRecord {
  group: string;
  entry: string;
  deliveries: number;
  firstError: string;
  lastError: string;
  message: string;
}

/** On a replayed entry in an event stream: the one module (group) it is for. */
export const REPLAYED_FOR = 'for';

export function deadLetterFields(record: DeadLetterRecord): string[] {
  return [
    'group', record.group,
    'entry', record.entry,
    'deliveries', String(record.deliveries),
    'first_error', record.firstError,
    'last_error', record.lastError,
    'm', record.message,
  ];
}

export function parseDeadLetterFields(fields: string[]): DeadLetterRecord {
  return {
    group: fieldValue(fields, 'group'),
    entry: fieldValue(fields, 'entry'),
    deliveries: Number(fieldValue(fields, 'deliveries', false) ?? 0),
    firstError: fieldValue(fields, 'first_error', false) ?? '',
    lastError: fieldValue(fields, 'last_error', false) ?? '',
    message: fieldValue(fields, 'm'),
  };
}

/** A field of a stream entry (a flat name, value list). */
export function fieldValue(fields: string[], name: string): string;
export function fieldValue(fields: string[], name: string, required: false): string | undefined;
export function fieldValue(fields: string[], name: string, required = true): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  if (required) throw new Error(`stream entry has no "${name}" field`);
  return undefined;
}
