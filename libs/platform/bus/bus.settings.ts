import { z } from 'zod';
import { defineSettings, setting } from '@cleave/platform/config';
import { parseFaultDelays, parseFaultFailures } from './faults';
import { DEVELOPMENT_SEAL_KEY } from './sealing';

/** How the bus calls, queues and delivers. */
export class BusSettings extends defineSettings(
  'bus',
  'Bus',
  {
    sealKey: setting.optional('CLEAVE_BUS_SEAL_KEY', {
      secret: 'value',
      minSecretBytes: 32,
      publicValues: [DEVELOPMENT_SEAL_KEY],
      defaultDoc: 'a public development key; required in production beyond one process',
      doc: 'encrypts the secret fields of bus messages (passwords, refresh tokens) while they cross Redis; the same on every process, 32 bytes or more (`openssl rand -base64 32`)',
    }),
    requestTimeoutMs: setting.int('CLEAVE_BUS_TIMEOUT_MS', { default: 3000, min: 1, doc: 'deadline of a bus call when its resilience policy gives none' }),
    maxInFlight: setting.int('CLEAVE_BUS_MAX_IN_FLIGHT', { default: 256, min: 1, doc: 'handlers one instance runs at once; the rest wait in Redis' }),
    batchSize: setting.int('CLEAVE_BUS_BATCH', { default: 64, min: 1, max: 10_000, doc: 'messages taken from Redis in one read' }),
    eventClaimIdleMs: setting.int('CLEAVE_EVENTS_CLAIM_IDLE_MS', { default: 30_000, min: 1, doc: 'when an unacknowledged event is taken over from a silent instance' }),
    eventClaimIntervalMs: setting.int('CLEAVE_EVENTS_CLAIM_INTERVAL_MS', { default: 1000, min: 10, doc: 'how often an instance looks for such events while events come; with none, the wait doubles up to a quarter of CLEAVE_EVENTS_CLAIM_IDLE_MS' }),
    eventMaxDeliveries: setting.int('CLEAVE_EVENTS_MAX_DELIVERIES', { default: 10, min: 1, doc: 'deliveries before an event goes to the dead-letter stream' }),
    faultDelays: setting.custom(
      'CLEAVE_FAULT_DELAY_MS',
      z.string().optional().superRefine((raw, ctx) => {
        try {
          parseFaultDelays(raw);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^CLEAVE_FAULT_DELAY_MS: /, '') });
        }
      }),
      { defaultDoc: 'unset', doc: 'test and chaos knob: `pattern=ms,...` delays handling those patterns on this instance (leave unset in production)' },
    ),
    faultFailures: setting.custom(
      'CLEAVE_FAULT_FAIL',
      z.string().optional().superRefine((raw, ctx) => {
        try {
          parseFaultFailures(raw);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^CLEAVE_FAULT_FAIL: /, '') });
        }
      }),
      {
        defaultDoc: 'unset',
        doc: 'test and chaos knob: `pattern[=text],...` fails handling those patterns on this instance, only messages whose data contains `text` when given: a poison event (leave unset in production)',
      },
    ),
  },
  ({ sealKey }, context) => {
    const topology = context.env.CLEAVE_TOPOLOGY ?? 'monolith';
    if (!sealKey && context.env.NODE_ENV === 'production' && topology !== 'monolith') {
      return [`CLEAVE_BUS_SEAL_KEY is required in production with CLEAVE_TOPOLOGY=${topology}: passwords cross Redis sealed with it`];
    }
    return [];
  },
) {}
