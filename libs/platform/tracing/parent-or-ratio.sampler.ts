import { Context, trace, TraceFlags } from '@opentelemetry/api';
import { Sampler, SamplingDecision, SamplingResult, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';

const SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const RECORDED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD });
const DROPPED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/**
 * OpenTelemetry's `parentbased_traceidratio`, made for a hot path: a span with a parent
 * follows the parent's sampled flag (so a trace is recorded in every process or in none); a
 * root span is sampled with probability `ratio`, decided on its trace id. One shared result
 * object per decision, no validation of ids the SDK itself made.
 *
 * `recordRoots`: a root the ratio leaves out is still recorded, unsampled (its children and
 * the processes it calls record nothing), so that NotableSpanProcessor can keep it if it ends
 * in an error or slowly. One recorded span per request is all that costs.
 */
export class ParentOrRatioSampler implements Sampler {
  private readonly root?: TraceIdRatioBasedSampler;
  private readonly unpicked: SamplingResult;

  constructor(
    private readonly ratio: number,
    recordRoots = false,
  ) {
    if (ratio < 1) this.root = new TraceIdRatioBasedSampler(ratio);
    this.unpicked = recordRoots ? RECORDED : DROPPED;
  }

  shouldSample(context: Context, traceId: string): SamplingResult {
    const parent = trace.getSpan(context)?.spanContext();
    if (parent) return parent.traceFlags & TraceFlags.SAMPLED ? SAMPLED : DROPPED;
    if (!this.root) return SAMPLED;
    return this.root.shouldSample(context, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED ? SAMPLED : this.unpicked;
  }

  toString(): string {
    return `ParentOrRatio{${this.ratio}}`;
  }
}
