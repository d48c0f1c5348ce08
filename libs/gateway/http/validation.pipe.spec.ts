import { ArgumentMetadata } from '@nestjs/common';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { InputValidationError } from '@cleave/contracts/kernel/errors';
import { gatewayValidationPipe } from './validation.pipe';

class Line {
  @IsUUID()
  productId!: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  quantity!: number;
}

const body: ArgumentMetadata = { type: 'body', metatype: Line };

async function refusal(value: unknown): Promise<InputValidationError> {
  try {
    await gatewayValidationPipe().transform(value, body);
  } catch (error) {
    return error as InputValidationError;
  }
  throw new Error('accepted');
}

describe('gatewayValidationPipe', () => {
  it('gives one message per field, the type first', async () => {
    const error = await refusal({ productId: 'nope', quantity: '2' });
    expect(error).toBeInstanceOf(InputValidationError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.details).toEqual({ productId: 'must be a UUID', quantity: 'must be an integer number' });
    expect(error.message).toBe('Invalid input: productId must be a UUID; quantity must be an integer number');
  });

  it('names an unknown property without its value', async () => {
    const error = await refusal({ productId: '7f3c2f4e-8d4b-4c1a-9d7e-2b1f0c3a5e6d', quantity: 1, '{"password":"secret"}': 'secret' });
    expect(JSON.stringify(error.details)).toContain('is not a known property');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('"secret"}":"secret');
    expect(Object.values(error.details as object)).not.toContain('secret');
  });
});
