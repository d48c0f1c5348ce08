import { Context, trace, TraceFlags } from '@opentelemetry/api';
import { Sampler, SamplingDecision, SamplingResult, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';

const SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const DROPPED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/**
 * OpenTelemetry's `parentbased_traceidratio`, made for a hot path: a span with a parent
 * follows the parent's sampled flag (so a trace is recorded in every process or in none); a
 * root span is sampled with probability `ratio`, decided on its trace id. One shared result
 * object per decision, no validation of ids the SDK itself made.
 */
export class ParentOrRatioSampler implements Sampler {
  private readonly root?: TraceIdRatioBasedSampler;

  constructor(private readonly ratio: number) {
    if (ratio < 1) this.root = new TraceIdRatioBasedSampler(ratio);
  }

  shouldSample(context: Context, traceId: string): SamplingResult {
    const parent = trace.getSpan(context)?.spanContext();
    if (parent) return parent.traceFlags & TraceFlags.SAMPLED ? SAMPLED : DROPPED;
    if (!this.root) return SAMPLED;
    return this.root.shouldSample(context, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED ? SAMPLED : DROPPED;
  }

  toString(): string {
    return `ParentOrRatio{${this.ratio}}`;
  }
}
