import { Controller, Inject, Logger, ParseArrayPipe } from '@nestjs/common';
import { ClientProxy, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { interval, map, Observable, take } from 'rxjs';

/** Who answers: two instances of this service share its requests and its events. */
const instance = process.env.INSTANCE ?? String(process.pid);

/** A plain Nest service: Nest's decorators, pipes and ClientProxy, nothing of Cleave's. */
@Controller()
export class MathController {
  private readonly logger = new Logger('Math');

  constructor(@Inject('EVENTS') private readonly events: ClientProxy) {}

  /**
   * An object pattern. A payload that is not a list of numbers is refused by the pipe, with an
   * RpcException as Nest advises for microservices: the caller gets it as a 400.
   */
  @MessagePattern({ cmd: 'sum' })
  sum(@Payload(new ParseArrayPipe({ items: Number, exceptionFactory: (message) => new RpcException({ status: 400, message }) })) numbers: number[]): { sum: number; by: string } {
    return { sum: numbers.reduce((a, b) => a + b, 0), by: instance };
  }

  /** A stream: 1..n, one value every millisecond, then completion. */
  @MessagePattern('math.count')
  count(@Payload() n: number): Observable<number> {
    return interval(1).pipe(take(n), map((i) => i + 1));
  }

  /**
   * A durable event: each `numbers.added` is summed by one instance of this service, and the
   * result published as `numbers.summed`. `holdMs` stands for slow work.
   */
  @EventPattern('numbers.added')
  async added(@Payload() event: { id: string; numbers: number[]; holdMs?: number }): Promise<void> {
    this.logger.log(`summing ${event.id}`);
    if (event.holdMs) await new Promise((resolve) => setTimeout(resolve, event.holdMs));
    const sum = event.numbers.reduce((a, b) => a + b, 0);
    await new Promise<void>((resolve, reject) => this.events.emit('numbers.summed', { id: event.id, sum, by: instance }).subscribe({ complete: resolve, error: reject }));
  }
}
